import { getContainerRuntimeClient } from "testcontainers";
import { runLabel } from "../../harness/engine/resource-names.ts";

/** Containers, networks and volumes of the harness still on the engine, optionally of one run. */
export async function leftovers(runId?: string): Promise<string[]> {
  const docker = (await getContainerRuntimeClient()).container.dockerode;
  const filters = JSON.stringify({ label: [runId ? `${runLabel}=${runId}` : runLabel] });
  const containers = await docker.listContainers({ all: true, filters });
  const networks = await docker.listNetworks({ filters });
  const { Volumes: volumes } = await docker.listVolumes({ filters });
  return [
    ...containers.map((container) => `container ${container.Names.join(",")}`),
    ...networks.map((network) => `network ${network.Name}`),
    ...(volumes ?? []).map((volume) => `volume ${volume.Name}`),
  ];
}
