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
  ["redis-sidecar.yml", "one-shot", "image", /runs `sh -c echo warming failed; exit 3` in the redis image \(not its server\), which exited with code 3 within 3 s: warming failed/],
  ["unpullable-image.yml", "ollama", "image", /^ollama\/ollama:0\.0\.0-no-such-tag cannot be had here: the image .* could not be pulled/],
  ["unpullable-image.yml", "ollama", "healthcheck program", /curl is not in the image ollama\/ollama:0\.0\.0-no-such-tag \(known without running it/],
];

/** Files checked on a given track, whatever the run's: an unpullable tag is a trap only where images are pulled. */
const tracks: Record<string, string> = { "unpullable-image.yml": "upstream" };

const results = new Map<string, ComposeFinding[]>();
const checkedInMs = new Map<string, number>();
async function findingsOf(file: string): Promise<ComposeFinding[]> {
  if (!results.has(file)) {
    const before = process.env.STACK_HARNESS_IMAGES;
    if (tracks[file]) process.env.STACK_HARNESS_IMAGES = tracks[file];
    const started = Date.now();
    try {
      results.set(file, await checkCompose(fixture(file)));
    } finally {
      checkedInMs.set(file, Date.now() - started);
      if (before === undefined) delete process.env.STACK_HARNESS_IMAGES;
      else process.env.STACK_HARNESS_IMAGES = before;
    }
  }
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

  it("says an image that cannot be pulled within seconds, not as a service that did not serve", async () => {
    const findings = await findingsOf("unpullable-image.yml");
    expect(findings.find((finding) => finding.check === "image")!.fix).toMatch(/STACK_HARNESS_REGISTRY.*STACK_HARNESS_IMAGES=lookalike/);
    expect(findings.some((finding) => /did not serve/.test(finding.message))).toBe(false);
    expect(checkedInMs.get("unpullable-image.yml")).toBeLessThan(30_000);
  });

  it("checks Redis's serving with the file's own password, and finds the file clean", async () => {
    const findings = await findingsOf("redis-requirepass.yml");
    expect(findings.filter((finding) => finding.severity !== "ok"), JSON.stringify(findings, null, 2)).toEqual([]);
    expect(findings.map((finding) => finding.check)).toEqual(expect.arrayContaining(["healthcheck while serving", "healthcheck with the server down", "volume"]));
  });

  it("judges a sidecar that runs `sleep` in the redis image as `sleep`, not as a Redis server", async () => {
    const findings = await findingsOf("redis-sidecar.yml");
    expect(findings.filter((finding) => finding.service === "warmer" && finding.check === "image")).toEqual([
      expect.objectContaining({ check: "image", severity: "ok", message: expect.stringMatching(/runs `sleep 3600` in the redis image \(not its server\)/) }),
    ]);
    expect(findings.filter((finding) => finding.severity === "error").map((finding) => finding.service)).toEqual(["one-shot"]);
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
