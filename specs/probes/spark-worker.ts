import { expect } from "vitest";
import type { ServiceProbe } from "./probe.ts";
import { clusterRecovers, workerRegistered } from "./spark.ts";

export const sparkWorkerProbe: ServiceProbe = {
  async roundTrip(stack) {
    const worker = await stack.client("spark-worker");
    const state = await worker.state();
    expect(state.masterurl).toBe("spark://spark-master:7077");
    expect(state.id).toMatch(/^worker-/);
    await workerRegistered(stack);
  },
  persistence: clusterRecovers,
};
