import { describe, expect, it } from "vitest";
import { serviceNames } from "../../harness/catalog/catalog.ts";
import { selectServices } from "../../harness/catalog/selection.ts";
import type { ServiceName } from "../../harness/catalog/catalog.ts";

describe("selecting services", () => {
  it("keeps a valid subset in the order given", () => {
    expect(selectServices(["redis", "pgvector"])).toEqual(["redis", "pgvector"]);
  });

  it("names an unknown service and lists the valid names", () => {
    expect(() => selectServices(["postgres" as ServiceName])).toThrow(
      /postgres: is not a service of the catalog\.\nFix: use one of: ollama, model-registry, pgvector, redis, neo4j, chroma, elasticsearch, spark-master, spark-worker\./,
    );
  });

  it("refuses a service named twice", () => {
    expect(() => selectServices(["redis", "redis"])).toThrow(/redis: is named twice/);
  });

  it("refuses an empty or non-array subset", () => {
    expect(() => selectServices([])).toThrow(/`services` must be a non-empty array/);
    expect(() => selectServices("redis" as unknown as ServiceName[])).toThrow(/non-empty array/);
  });

  it("covers the whole catalog by default", () => {
    expect(selectServices(serviceNames)).toEqual(serviceNames);
  });
});
