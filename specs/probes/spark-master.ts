import { expect } from "vitest";
import type { ServiceProbe } from "./probe.ts";
import { clusterRecovers, submitLineStats, workerRegistered } from "./spark.ts";

export const sparkMasterProbe: ServiceProbe = {
  async roundTrip(stack) {
    const master = await stack.client("spark-master");
    expect((await master.state()).status).toBe("ALIVE");
    await workerRegistered(stack);
    await submitLineStats(stack);
    const completed = (await master.state()).completedapps ?? [];
    expect(completed.map((app) => [app.name, app.state])).toContainEqual(["stack-harness-line-stats", "FINISHED"]);
  },
  persistence: clusterRecovers,
};
