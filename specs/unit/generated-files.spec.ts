import { readFile } from "node:fs/promises";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { serviceNames, specOf } from "../../harness/catalog.ts";
import { composeFile } from "../../harness/compose.ts";
import { withServiceTable } from "../../harness/service-table.ts";

describe("docker-compose.yml", () => {
  it("is the file generated from the catalog (run `npm run compose` after a catalog change)", async () => {
    const committed = await readFile(new URL("../../docker-compose.yml", import.meta.url), "utf8");
    expect(committed).toBe(composeFile());
  });

  it("has every catalog service with the catalog's healthcheck, data volume, port and dependencies", () => {
    const compose = parse(composeFile(), { version: "1.1" });
    expect(Object.keys(compose.services)).toEqual(serviceNames);
    for (const name of serviceNames) {
      const spec = specOf(name);
      const service = compose.services[name];
      expect(service.healthcheck.test).toEqual(["CMD-SHELL", spec.healthcheck.command("127.0.0.1").replaceAll("$", "$$$$")]);
      expect(service.volumes).toEqual(spec.dataDir ? [`${name}-data:${spec.dataDir}`] : undefined);
      expect(service.depends_on ?? {}).toEqual(
        Object.fromEntries(spec.dependsOn.map((dependency) => [dependency, { condition: "service_healthy" }])),
      );
      expect(service.ports).toContain(String(spec.port));
      expect(service.image).toBe(`\${STACK_HARNESS_IMAGE_${name.toUpperCase().replace("-", "_")}:-${spec.upstreamImage}}`);
    }
  });
});

describe("README.md", () => {
  it("has the service table generated from the catalog (run `npm run docs` after a catalog change)", async () => {
    const readme = await readFile(new URL("../../README.md", import.meta.url), "utf8");
    expect(readme).toBe(withServiceTable(readme));
  });
});
