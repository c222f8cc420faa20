import { describe, expect, it } from "vitest";
import { resolveBootPlan } from "../../harness/boot/options.ts";
import { catalog } from "../../harness/catalog/catalog.ts";
import { stackHarness, type StackPresetOptions } from "../../harness/vitest.ts";

/** The options as the preset's globalSetup receives them: through vitest's `provide`, as plain data. */
function provided(options: StackPresetOptions): StackPresetOptions {
  return structuredClone(stackHarness(options).provide.stackHarnessOptions);
}

describe("the vitest preset's options", () => {
  it("resolve into the same boot plan as bootStack's, per-service startup timeouts included", () => {
    const options: StackPresetOptions = {
      services: ["pgvector", "redis", "neo4j"],
      images: "lookalike",
      ollamaModel: "all-minilm",
      startupTimeoutMs: { neo4j: 300_000 },
      reuse: false,
      environment: { pgvector: { POSTGRES_DB: "app" } },
      hostPorts: { redis: 6379 },
      classArchives: false,
    };
    const viaPreset = resolveBootPlan(provided(options), {});
    expect(viaPreset).toEqual(resolveBootPlan(options, {}));
    expect(viaPreset.services.get("neo4j")!.startupTimeoutMs).toBe(300_000);
    expect(viaPreset.services.get("redis")!.startupTimeoutMs).toBe(catalog.redis.startupTimeoutMs);
    expect(viaPreset.services.get("pgvector")!.environment.POSTGRES_DB).toBe("app");
    expect(viaPreset.services.get("neo4j")!.classArchive).toBe(false);
  });

  it("are refused like bootStack's", () => {
    expect(() => resolveBootPlan(provided({ startupTimeoutMs: { neo4j: -1 } }), {})).toThrow(/`startupTimeoutMs.neo4j` must be a number of milliseconds above 0/);
  });
});
