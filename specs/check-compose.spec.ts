import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { checkCompose } from "../harness/compose/check/check-compose.ts";
import type { ComposeFinding } from "../harness/compose/check/findings.ts";
import { writeComposeFile } from "../harness/compose/generate.ts";
import { leftovers } from "./support/leftovers.ts";

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/compose/${name}`, import.meta.url));
const projectCompose = fileURLToPath(new URL("../docker-compose.yml", import.meta.url));
const cli = fileURLToPath(new URL("../harness/cli.ts", import.meta.url));

/** [fixture, service, check, what the finding says] for every trap a fixture sets. */
const traps: Array<[string, string, ComposeFinding["check"], RegExp]> = [
  ["ollama-curl.yml", "ollama", "healthcheck program", /curl is not in the image/],
  ["chroma-curl.yml", "chroma", "healthcheck program", /curl is not in the image/],
  ["ollama-version.yml", "ollama", "healthcheck with the server down", /passes in a container of the same image with no server running/],
  ["redis-ping.yml", "redis", "healthcheck rule", /exits 0 on every reply, also NOAUTH/],
  ["redis-ping.yml", "redis", "healthcheck while unfit", /passes while the service answers but a password is required \(NOAUTH\)/],
  ["pg-isready-socket.yml", "pgvector", "healthcheck rule", /answers during initdb's temporary server/],
  ["chroma-volume-path.yml", "chroma", "volume", /\/data, where the service keeps its data, is lost with the container/],
  ["unhealthy-dependency.yml", "app", "depends_on", /"redis" has no healthcheck, so it never will be/],
  ["unhealthy-dependency.yml", "chroma", "healthcheck program", /wget is not in the image/],
  ["unhealthy-dependency.yml", "app", "depends_on", /the healthcheck of "chroma" does not pass while it serves/],
  ["unhealthy-dependency.yml", "app", "reference", /REDIS_URL=redis:\/\/redis:6380: "redis" listens on 6379, not 6380/],
  ["unhealthy-dependency.yml", "app", "reference", /OLLAMA_BASE_URL=http:\/\/ollama:11434: "ollama" is not a service of this file/],
  ["unhealthy-dependency.yml", "app", "reference", /DATABASE_URL=.*"postgres" is not a service of this file/],
];

const results = new Map<string, ComposeFinding[]>();
async function findingsOf(file: string): Promise<ComposeFinding[]> {
  if (!results.has(file)) results.set(file, await checkCompose(fixture(file)));
  return results.get(file)!;
}

describe("stack-harness check-compose", () => {
  afterEach(async () => {
    expect(await leftovers()).toEqual([]);
  });

  it.each(traps)("%s: finds the trap in %s (%s)", async (file, service, check, message) => {
    const findings = await findingsOf(file);
    const found = findings.find((finding) => finding.service === service && finding.check === check && message.test(finding.message));
    expect(found, JSON.stringify(findings, null, 2)).toBeDefined();
    expect(found!.severity).toBe("error");
    expect(found!.fix).toBeTruthy();
  });

  it("also proves the part of a trapped healthcheck that works: `ollama --version` passes while Ollama serves", async () => {
    const findings = await findingsOf("ollama-version.yml");
    expect(findings.filter((finding) => finding.check === "healthcheck while serving")).toEqual([
      expect.objectContaining({ service: "ollama", severity: "ok" }),
    ]);
  });

  describe("on the project's own docker-compose.yml", () => {
    beforeAll(async () => {
      await writeComposeFile(projectCompose);
    });

    it("reports it clean, with every healthcheck proven in both directions", async () => {
      const findings = await checkCompose(projectCompose);
      expect(findings.filter((finding) => finding.severity !== "ok"), JSON.stringify(findings, null, 2)).toEqual([]);
      const proven = findings.filter((finding) => finding.check === "healthcheck with the server down").map((finding) => finding.service);
      expect(proven.sort()).toEqual(["chroma", "elasticsearch", "model-registry", "neo4j", "ollama", "pgvector", "redis", "spark-master", "spark-worker"]);
      const kept = findings.filter((finding) => finding.check === "volume").map((finding) => finding.service);
      expect(kept.sort()).toEqual(["chroma", "elasticsearch", "neo4j", "ollama", "pgvector", "redis"]);
    });
  });

  it("prints JSON and exits 1 from the command line when a finding is an error", async () => {
    const result = await promisify(execFile)(process.execPath, [cli, "check-compose", fixture("ollama-curl.yml"), "--json"]).then(
      () => ({ code: 0, stdout: "" }),
      (failure: { code: number; stdout: string }) => failure,
    );
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { errors: number; findings: ComposeFinding[] };
    expect(report.errors).toBeGreaterThan(0);
    expect(report.findings.some((finding) => /curl is not in the image/.test(finding.message))).toBe(true);
  });
});
