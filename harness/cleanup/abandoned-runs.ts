import { hostname } from "node:os";
import type { ContainerRuntimeClient } from "testcontainers";
import { processAlive } from "../common/process-alive.ts";
import { ownerLabel, ownerOf, runLabel } from "../engine/resource-names.ts";
import { removeRun } from "./removal.ts";

/**
 * Removes the runs whose process, on this machine, ended without removing them and whose reaper
 * was killed too (a whole process group killed at once); returns how many.
 */
export async function removeAbandonedRuns(engine: ContainerRuntimeClient): Promise<number> {
  const networks = await engine.container.dockerode.listNetworks({ filters: JSON.stringify({ label: [ownerLabel] }) });
  const abandoned = networks.filter(({ Labels: labels }) => {
    const { host, pid } = ownerOf(labels);
    return host === hostname() && !processAlive(pid);
  });
  await Promise.all(abandoned.map(({ Labels: labels }) => removeRun(engine, labels![runLabel]!)));
  return abandoned.length;
}
