import { expect } from "vitest";
import type { ServiceProbe } from "./probe.ts";
import { clusterRecovers, workerRegistered } from "./spark.ts";

export const sparkWorkerProbe: ServiceProbe = {
  async roundTrip(stack) {
    const worker = await stack.client("spark-worker");
    const state = (await worker.state()) as { id?: string; masterurl?: string };
    expect(state.masterurl).toBe("spark://spark-master:7077");
    await workerRegistered(stack);
    const master = await stack.client("spark-master");
    const alive = (await master.state()).workers?.filter((entry) => entry.state === "ALIVE").map((entry) => entry.id);
    expect(alive).toContain(state.id);
  },
  persistence: clusterRecovers,
};
