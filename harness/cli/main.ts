import { readFile, writeFile } from "node:fs/promises";
import { serviceNames, type ServiceName } from "../catalog/catalog.ts";
import { removeEverything } from "../cleanup/removal.ts";
import { checkCompose } from "../compose/check/check-compose.ts";
import { findingsTable, hasErrors } from "../compose/check/findings.ts";
import { writeComposeFile } from "../compose/generate.ts";
import { connectEngine } from "../engine/connect.ts";
import { faultProxyImage } from "../images/fault-proxy-image.ts";
import { buildLookalikeImages } from "../images/lookalike-build.ts";
import { diagnose } from "./doctor.ts";
import { nightlyTargets, tagChoicesFrom } from "./nightly-matrix.ts";
import { withGeneratedTables } from "./readme-tables.ts";
import { up } from "./up.ts";

const usage = `Usage: stack-harness <command>
  up [services...]      boot the stack (default: all of ${serviceNames.join(", ")}), print endpoints, stay up until Ctrl-C
  down                  remove every container, network and volume the harness left on this engine
  doctor                check the engine, Node, memory, vm.max_map_count and images, with the fix for each
  images [services...]  build the look-alike images from packages (default: every service's and the fault proxy's,
                        \`${faultProxyImage.recipe}\`)
  compose [file]        write docker-compose.yml from the catalog (default: ./docker-compose.yml), and the
                        files its services mount under .stack-harness/ beside it
  check-compose [file] [--json]
                        prove a compose file's healthchecks, depends_on and addresses against the images it runs
                        (default: ./docker-compose.yml); exits 1 when any finding is an error
  docs [file]           rewrite the service and slicing tables of README.md from the catalog (default: ./README.md)
  matrix [--tags pinned|newest]
                        print the nightly CI matrix as JSON: each service with its dependencies and images,
                        on the pinned tags and the newest tags of each pin's major line (default: both)`;

/** Runs one command of the `stack-harness` CLI. */
export async function main([command, ...args]: string[]): Promise<void> {
  switch (command) {
    case "up":
      return up(args as ServiceName[]);
    case "down": {
      const removed = await removeEverything(await connectEngine());
      console.log(`Removed ${removed.containers} containers, ${removed.networks} networks, ${removed.volumes} volumes.`);
      return;
    }
    case "doctor": {
      const findings = await diagnose();
      for (const { check, verdict, detail, fix } of findings) {
        console.log(`${verdict.padEnd(4)}  ${check.padEnd(24)} ${detail}${fix ? `\n      fix: ${fix}` : ""}`);
      }
      if (findings.some((finding) => finding.verdict === "fail")) process.exitCode = 1;
      return;
    }
    case "images": {
      const all = args.length === 0;
      const services = all ? serviceNames : (args.filter((arg) => arg !== faultProxyImage.recipe) as ServiceName[]);
      return buildLookalikeImages(services, console.log, { faultProxy: all || args.includes(faultProxyImage.recipe) });
    }
    case "compose": {
      const file = args[0] ?? "docker-compose.yml";
      await writeComposeFile(file);
      console.log(`Wrote ${file} and the files it mounts`);
      return;
    }
    case "check-compose": {
      const json = args.includes("--json");
      const findings = await checkCompose(args.find((arg) => arg !== "--json") ?? "docker-compose.yml");
      console.log(json ? JSON.stringify({ findings, errors: findings.filter((finding) => finding.severity === "error").length }, null, 2) : findingsTable(findings));
      if (hasErrors(findings)) process.exitCode = 1;
      return;
    }
    case "docs": {
      const file = args[0] ?? "README.md";
      await writeFile(file, withGeneratedTables(await readFile(file, "utf8")));
      console.log(`Wrote the generated tables of ${file}`);
      return;
    }
    case "matrix":
      console.log(JSON.stringify(await nightlyTargets(tagChoicesFrom(args))));
      return;
    default:
      console.error(usage);
      process.exitCode = command ? 2 : 0;
  }
}
