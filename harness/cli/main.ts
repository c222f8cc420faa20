import { readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { serviceNames, type ServiceName } from "../catalog/catalog.ts";
import { removeEverything } from "../cleanup/removal.ts";
import { checkCompose } from "../compose/check/check-compose.ts";
import { findingsTable, hasErrors } from "../compose/check/findings.ts";
import { writeComposeFile } from "../compose/generate.ts";
import { connectEngine } from "../engine/connect.ts";
import { faultProxyImage } from "../images/fault-proxy-image.ts";
import { buildLookalikeImages } from "../images/lookalike-build.ts";
import { StackError } from "../errors.ts";
import { parseArguments, type CommandShape, type ParsedArguments } from "./arguments.ts";
import { diagnose } from "./doctor.ts";
import { nightlyTargets, tagChoicesFrom } from "./nightly-matrix.ts";
import { withGeneratedTables } from "./readme-tables.ts";
import { up } from "./up.ts";

interface Command extends CommandShape {
  /** What it does, for the usage. */
  does: string;
  run(parsed: ParsedArguments): Promise<void>;
}

const commands: Record<string, Command> = {
  up: {
    synopsis: "up [services...]",
    does: `boot the stack (default: all of ${serviceNames.join(", ")}), print endpoints, stay up until Ctrl-C`,
    mostArguments: Infinity,
    run: ({ plain }) => up(plain as ServiceName[]),
  },
  down: {
    synopsis: "down",
    does: "remove every container, network and volume the harness left on this engine",
    mostArguments: 0,
    async run() {
      const removed = await removeEverything(await connectEngine());
      console.log(`Removed ${removed.containers} containers, ${removed.networks} networks, ${removed.volumes} volumes.`);
    },
  },
  doctor: {
    synopsis: "doctor",
    does: "check the engine, Node, memory, vm.max_map_count and images, with the fix for each",
    mostArguments: 0,
    async run() {
      const findings = await diagnose();
      for (const { check, verdict, detail, fix } of findings) {
        console.log(`${verdict.padEnd(4)}  ${check.padEnd(24)} ${detail}${fix ? `\n      fix: ${fix}` : ""}`);
      }
      if (findings.some((finding) => finding.verdict === "fail")) process.exitCode = 1;
    },
  },
  images: {
    synopsis: "images [services...]",
    does: `build the look-alike images from packages (default: every service's and the fault proxy's, \`${faultProxyImage.recipe}\`)`,
    mostArguments: Infinity,
    run: ({ plain }) => {
      const all = plain.length === 0;
      const services = all ? serviceNames : (plain.filter((arg) => arg !== faultProxyImage.recipe) as ServiceName[]);
      return buildLookalikeImages(services, console.log, { faultProxy: all || plain.includes(faultProxyImage.recipe) });
    },
  },
  compose: {
    synopsis: "compose [file]",
    does: "write docker-compose.yml from the catalog (default: ./docker-compose.yml), and the files its services mount under .stack-harness/ beside it",
    mostArguments: 1,
    async run({ plain }) {
      const file = await notADirectory(plain[0] ?? "docker-compose.yml", "docker-compose.yml");
      await writeComposeFile(file);
      console.log(`Wrote ${file} and the files it mounts`);
    },
  },
  "check-compose": {
    synopsis: "check-compose [file] [--json]",
    does: "prove a compose file's healthchecks, depends_on and addresses against the images it runs (default: ./docker-compose.yml); exits 1 when any finding is an error",
    flags: { "--json": "switch" },
    mostArguments: 1,
    async run({ plain, flags }) {
      const findings = await checkCompose(plain[0] ?? "docker-compose.yml");
      const errors = findings.filter((finding) => finding.severity === "error").length;
      console.log(flags.has("--json") ? JSON.stringify({ findings, errors }, null, 2) : findingsTable(findings));
      if (hasErrors(findings)) process.exitCode = 1;
    },
  },
  docs: {
    synopsis: "docs [file]",
    does: "rewrite the service and slicing tables of README.md from the catalog (default: ./README.md)",
    mostArguments: 1,
    async run({ plain }) {
      const file = await notADirectory(plain[0] ?? "README.md", "README.md");
      const readme = await readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
        throw new StackError({ code: "invalid-arguments", problem: `cannot read ${file} (${error.code ?? error.message}).`, fix: "name the README to rewrite: stack-harness docs path/to/README.md." });
      });
      await writeFile(file, withGeneratedTables(readme));
      console.log(`Wrote the generated tables of ${file}`);
    },
  },
  matrix: {
    synopsis: "matrix [--tags pinned|newest]",
    does: "print the nightly CI matrix as JSON: each service with its dependencies and images, on the pinned tags and the newest tags of each pin's major line (default: both)",
    flags: { "--tags": "value" },
    mostArguments: 0,
    async run({ flags }) {
      const tags = flags.get("--tags");
      console.log(JSON.stringify(await nightlyTargets(tagChoicesFrom(typeof tags === "string" ? ["--tags", tags] : []))));
    },
  },
};

const usage = `Usage: stack-harness <command>\n${Object.values(commands)
  .map(({ synopsis, does }) => (synopsis.length < 22 ? `  ${synopsis.padEnd(22)}${does}` : `  ${synopsis}\n${" ".repeat(24)}${does}`))
  .join("\n")}`;

/** Runs one command of the \`stack-harness\` CLI; bad arguments are refused before it starts. */
export async function main([name, ...args]: string[]): Promise<void> {
  if (name === undefined || name === "help" || name === "--help" || name === "-h") return void console.log(usage);
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!command) {
    throw new StackError({ code: "invalid-arguments", problem: `"${name}" is not a command.`, fix: `run one of ${Object.keys(commands).join(", ")}; stack-harness --help says what each does.` });
  }
  if (args.includes("--help") || args.includes("-h")) return void console.log(`Usage: stack-harness ${command.synopsis}\n  ${command.does}`);
  await command.run(parseArguments(name, command, args));
}

/** The file, refused when it is a directory (the command would fail deep inside with EISDIR). */
async function notADirectory(file: string, usual: string): Promise<string> {
  if (!(await stat(file).then((found) => found.isDirectory(), () => false))) return file;
  throw new StackError({ code: "invalid-arguments", problem: `${file} is a directory, not a file.`, fix: `name the file: ${join(file, usual)}.` });
}
