import type { ContainerRuntimeClient } from "testcontainers";
import { harnessLabel, runLabel } from "../engine/resource-names.ts";

/** What a removal found and removed. */
export interface Removed {
  containers: number;
  networks: number;
  volumes: number;
}

/** Removes the containers, networks and volumes of one run of the harness. */
export function removeRun(engine: ContainerRuntimeClient, runId: string): Promise<Removed> {
  return removeLabelled(engine, `${runLabel}=${runId}`);
}

/** Removes everything any run of the harness left on this engine. */
export function removeEverything(engine: ContainerRuntimeClient): Promise<Removed> {
  return removeLabelled(engine, `${harnessLabel}=true`);
}

async function removeLabelled(engine: ContainerRuntimeClient, label: string): Promise<Removed> {
  const docker = engine.container.dockerode;
  const filters = JSON.stringify({ label: [label] });
  const containers = await docker.listContainers({ all: true, filters });
  const networks = await docker.listNetworks({ filters });
  const ours = new Set(networks.map((network) => network.Name));
  await Promise.all(
    containers.map(async (container) => {
      // Leaving the network first, while the container exists, keeps a kill racing a healthcheck
      // exec from leaving a stale endpoint that blocks the network's removal.
      const attached = Object.keys(container.NetworkSettings?.Networks ?? {}).filter((name) => ours.has(name));
      await Promise.all(
        attached.map((name) => docker.getNetwork(name).disconnect({ Container: container.Id, Force: true }).catch(() => {})),
      );
      await ignoreMissing(docker.getContainer(container.Id).remove({ force: true, v: true }));
    }),
  );
  await Promise.all(networks.map((network) => removeNetwork(engine, network.Id)));
  const { Volumes: volumes } = await docker.listVolumes({ filters });
  await Promise.all((volumes ?? []).map((volume) => ignoreMissing(docker.getVolume(volume.Name).remove())));
  return { containers: containers.length, networks: networks.length, volumes: (volumes ?? []).length };
}

/** Removes one volume by name, if it is there. */
export function removeVolume(engine: ContainerRuntimeClient, name: string): Promise<void> {
  return ignoreMissing(engine.container.dockerode.getVolume(name).remove());
}

/** The engine may release a removed container's endpoint a moment later (403 "active endpoints"). */
async function removeNetwork(engine: ContainerRuntimeClient, id: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await ignoreMissing(engine.container.dockerode.getNetwork(id).remove());
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 403 || attempt === 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

/** Gone already (404) or being removed by another sweep (409) is what a removal wants. */
async function ignoreMissing(removal: Promise<unknown>): Promise<void> {
  try {
    await removal;
  } catch (error) {
    const status = (error as { statusCode?: number }).statusCode;
    if (status !== 404 && status !== 409) throw error;
  }
}
