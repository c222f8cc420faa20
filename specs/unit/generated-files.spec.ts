import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { serviceNames, specOf } from "../../harness/catalog/catalog.ts";
import { composeFile, writeComposeFile } from "../../harness/compose/generate.ts";
import { imageOverrideVariable } from "../../harness/images/track.ts";
import { withGeneratedTables } from "../../harness/cli/readme-tables.ts";

const repository = fileURLToPath(new URL("../..", import.meta.url));

describe("docker-compose.yml", () => {
  it("is the file generated from the catalog (run `npm run compose` after a catalog change)", async () => {
    const committed = await readFile(join(repository, "docker-compose.yml"), "utf8");
    expect(committed).toBe(await composeFile(repository));
  });

  it("has every catalog service with the catalog's healthcheck, data volume, port and dependencies", async () => {
    const compose = parse(await composeFile(repository), { version: "1.1" });
    expect(Object.keys(compose.services)).toEqual(serviceNames);
    for (const name of serviceNames) {
      const spec = specOf(name);
      const service = compose.services[name];
      expect(service.healthcheck.test).toEqual(["CMD-SHELL", spec.healthcheck.command("127.0.0.1").replaceAll("$", "$$$$")]);
      const named = (service.volumes ?? []).filter((volume: unknown) => typeof volume === "string");
      expect(named).toEqual(spec.dataDir ? [`${name}-data:${spec.dataDir}`] : []);
      expect(service.depends_on ?? {}).toEqual(
        Object.fromEntries(spec.dependsOn.map((dependency) => [dependency, { condition: "service_healthy" }])),
      );
      expect(service.ports).toContain(`\${STACK_HARNESS_PUBLISH_ADDRESS:-127.0.0.1}::${spec.port}`);
      expect(service.image).toBe(`\${${imageOverrideVariable(spec)}:-${spec.upstreamImage}}`);
    }
  });

  it("mounts each service's files read-only: repository files where they are, generated ones from .stack-harness", async () => {
    const compose = parse(await composeFile(repository), { version: "1.1" });
    for (const name of serviceNames) {
      const targets = new Set(((await specOf(name).files?.()) ?? []).map((file) => file.target));
      const binds = (compose.services[name].volumes ?? []).filter((volume: unknown) => typeof volume === "object");
      expect(binds.map((bind: { target: string }) => bind.target)).toEqual([...targets]);
      for (const bind of binds) expect(bind).toMatchObject({ type: "bind", read_only: true, bind: { create_host_path: false } });
    }
    expect(compose.services["model-registry"].volumes.map((bind: { source: string }) => bind.source)).toEqual([
      "./images/model-registry/server.mjs",
      "./.stack-harness/model-registry/models",
    ]);
  });

  it("pulls Ollama's model in a post_start hook, after its healthcheck passes, the model overridable by STACK_HARNESS_OLLAMA_MODEL", async () => {
    const compose = parse(await composeFile(repository), { version: "1.1" });
    const [hook, ...others] = compose.services.ollama.post_start;
    expect(others).toEqual([]);
    expect(hook.command[2]).toMatch(/^tries=0; until \(OLLAMA_HOST=127\.0\.0\.1:11434 ollama list\) .* ollama pull \$\$insecure "\$\$MODEL"$/);
    expect(hook.environment).toEqual({ MODEL: "${STACK_HARNESS_OLLAMA_MODEL:-model-registry:5000/library/tiny-llama:latest}" });
    expect(serviceNames.filter((name) => compose.services[name].post_start)).toEqual(["ollama"]);
  });

  it("is written with the files it mounts staged beside it", async () => {
    const dir = await mkdtemp(join(tmpdir(), "stack-harness-compose-"));
    try {
      await writeComposeFile(join(dir, "docker-compose.yml"));
      const compose = parse(await readFile(join(dir, "docker-compose.yml"), "utf8"), { version: "1.1" });
      const sources = compose.services["model-registry"].volumes.map((bind: { source: string }) => bind.source);
      // Outside the repository even the server is a staged copy.
      expect(sources).toEqual(["./.stack-harness/model-registry/srv/model-registry/server.mjs", "./.stack-harness/model-registry/models"]);
      for (const source of sources) expect(existsSync(join(dir, source))).toBe(true);
      expect(existsSync(join(dir, ".stack-harness/model-registry/models/manifests/library/tiny-llama/latest"))).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("README.md", () => {
  it("has the service and slicing tables generated from the catalog (run `npm run docs` after a catalog change)", async () => {
    const readme = await readFile(join(repository, "README.md"), "utf8");
    expect(readme).toBe(withGeneratedTables(readme));
  });
});
