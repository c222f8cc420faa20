import { setTimeout as sleep } from "node:timers/promises";
import { machineBusyMs } from "../harness/common/machine-cpu.ts";
import { bootStack } from "../harness/index.ts";

/** How long the stack sits healthy before the measure, and how long the measure lasts. */
const settleMs = 15_000;
const measureMs = 30_000;

/**
 * The machine's busy CPU, in seconds per minute, while the whole stack sits healthy and unused
 * (what every test pays in the background: the engine's health probes, idle JVM threads): one
 * stack per round, measured for 30 s after 15 s of rest.
 */
export async function idleStackCpu(rounds: number): Promise<number[]> {
  const perMinute: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const stack = await bootStack();
    try {
      await sleep(settleMs);
      const before = machineBusyMs();
      await sleep(measureMs);
      perMinute.push(((machineBusyMs() - before) / 1000) * (60_000 / measureMs));
    } finally {
      await stack.stop();
    }
  }
  return perMinute;
}
