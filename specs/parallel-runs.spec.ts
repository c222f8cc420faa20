import { getContainerRuntimeClient } from "testcontainers";
import { describe, expect, it } from "vitest";
import { removeVolume } from "../harness/cleanup/removal.ts";
import { cacheVolumeName } from "../harness/engine/resource-names.ts";
import { bootStack } from "../harness/index.ts";
import { stackModel } from "./probes/ollama.ts";
import { leftovers } from "./support/leftovers.ts";
import { startPresetRun } from "./support/preset-run.ts";

describe("two test runs on one engine at the same time", () => {
  it("keep their names, networks and volumes apart, and both pass", async () => {
    const runs = [startPresetRun("round-trip"), startPresetRun("round-trip")];
    const [one, other] = await Promise.all(runs.map((run) => run.stackUp()));
    expect(other).not.toBe(one);
    const mine = await leftovers(one);
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.some((item) => item.startsWith("network "))).toBe(true);

    const codes = await Promise.all(runs.map((run) => run.exited));
    expect(codes, runs.map((run) => run.output()).join("\n")).toEqual([0, 0]);
    await expect.poll(async () => [...(await leftovers(one)), ...(await leftovers(other))], { timeout: 60_000 }).toEqual([]);
  });

  it("share the Ollama model cache without spoiling it, even when both pull at once", async () => {
    await removeVolume(await getContainerRuntimeClient(), cacheVolumeName("ollama"));
    const [first, second] = await Promise.all([
      bootStack({ services: ["model-registry", "ollama"] }),
      bootStack({ services: ["model-registry", "ollama"] }),
    ]);
    try {
      expect(second.network).not.toBe(first.network);
      for (const stack of [first, second]) {
        const { name } = await stackModel(stack);
        const generated = await (await stack.client("ollama")).generate({ model: name, prompt: "Hi.", options: { num_predict: 4 } });
        expect(generated.eval_count).toBe(4);
      }
    } finally {
      await Promise.all([first.stop(), second.stop()]);
    }
  });
});
