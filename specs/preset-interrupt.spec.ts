import { describe, expect, it } from "vitest";
import { leftovers } from "./support/leftovers.ts";
import { startPresetRun } from "./support/preset-run.ts";

describe("the vitest preset", () => {
  it("removes the stack when the test run is interrupted with Ctrl-C", async () => {
    const run = startPresetRun("holds-the-stack");
    const runId = await run.stackUp();
    expect(await leftovers(runId)).not.toEqual([]);

    const interrupted = Date.now();
    run.child.kill("SIGINT");
    expect(await run.exited, run.output()).not.toBe(0);
    await expect.poll(() => leftovers(runId), { timeout: 60_000, interval: 500 }).toEqual([]);
    console.log(`preset: ${Date.now() - interrupted} ms from Ctrl-C to nothing left of run ${runId}`);
  });
});
