import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { bootStack } from "../harness/index.ts";
import { startNode } from "./support/child-process.ts";
import { leftovers } from "./support/leftovers.ts";
import { startPresetRun } from "./support/preset-run.ts";

const bootScript = fileURLToPath(new URL("../fixtures/cleanup/boot.ts", import.meta.url));
const cleanWithinMs = 60_000;

/** A process booting services; `runId()` resolves once it has printed the run it boots. */
function startBoot(mode: "stop" | "hold" | "time-out", ...services: string[]) {
  const run = startNode([bootScript, mode, ...services]);
  const waitFor = async (pattern: RegExp) => {
    await expect.poll(run.output, { timeout: 120_000, interval: 100 }).toMatch(pattern);
    return /^([0-9a-f]{8}) /m.exec(run.output())![1]!;
  };
  return { ...run, waitFor };
}

/** Waits until nothing of the run is left, keeps checking a moment longer, and returns how long it took. */
async function cleanedUp(runId: string, since: number): Promise<number> {
  await expect.poll(() => leftovers(runId), { timeout: cleanWithinMs, interval: 250 }).toEqual([]);
  const tookMs = Date.now() - since;
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  expect(await leftovers(runId)).toEqual([]);
  return tookMs;
}

describe("nothing is left on the engine", () => {
  it("after a normal end", async () => {
    const boot = startBoot("stop", "redis");
    const runId = await boot.waitFor(/is up/);
    expect(await boot.exited).toBe(0);
    console.log(`cleanup: normal end, ${await cleanedUp(runId, Date.now())} ms after the exit`);
  });

  it("after a failing test of a preset run", async () => {
    const run = startPresetRun("fails");
    const runId = await run.stackUp();
    expect(await run.exited, run.output()).toBe(1);
    console.log(`cleanup: failing test, ${await cleanedUp(runId, Date.now())} ms after the exit`);
  });

  it("after a failed boot", async () => {
    const boot = startBoot("time-out", "pgvector");
    const runId = await boot.waitFor(/pgvector starting/);
    expect(await boot.exited).not.toBe(0);
    expect(boot.output()).toMatch(/pgvector: did not become healthy within 1 s/);
    console.log(`cleanup: failed boot, ${await cleanedUp(runId, Date.now())} ms after the exit`);
  });

  it.each(["SIGINT", "SIGKILL"] as const)("after %s during the boot", async (signal) => {
    const boot = startBoot("hold", "pgvector");
    const runId = await boot.waitFor(/pgvector (starting|waiting)/);
    const sent = Date.now();
    boot.child.kill(signal);
    await boot.exited;
    console.log(`cleanup: ${signal} during the boot, ${await cleanedUp(runId, sent)} ms after the signal`);
  });

  it("after SIGKILL of the process and of its reaper: the next boot removes the run", async () => {
    const boot = startBoot("hold", "redis");
    const runId = await boot.waitFor(/is up/);
    const { stdout } = await promisify(execFile)("pgrep", ["-f", `reaper-process.* ${runId}$`]);
    const reaper = Number(stdout.trim());
    expect(reaper).toBeGreaterThan(0);
    process.kill(reaper, "SIGKILL");
    boot.child.kill("SIGKILL");
    await boot.exited;
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(await leftovers(runId)).not.toEqual([]);

    const next = Date.now();
    const stack = await bootStack({ services: ["redis"] });
    await stack.stop();
    expect(await leftovers(runId)).toEqual([]);
    console.log(`cleanup: process and reaper killed, removed by the next boot (${Date.now() - next} ms with its own boot)`);
  });

  it.each(["SIGINT", "SIGKILL"] as const)("after %s while up", async (signal) => {
    const boot = startBoot("hold", "redis", "pgvector");
    const runId = await boot.waitFor(/is up/);
    expect(await leftovers(runId)).not.toEqual([]);
    const sent = Date.now();
    boot.child.kill(signal);
    await boot.exited;
    console.log(`cleanup: ${signal} while up, ${await cleanedUp(runId, sent)} ms after the signal`);
  });
});
