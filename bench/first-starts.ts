import { getContainerRuntimeClient } from "testcontainers";
import { serviceNames, specOf, type ServiceName } from "../harness/catalog/catalog.ts";
import { bootStack, type Stack } from "../harness/index.ts";
import type { ServiceStart } from "./stats.ts";

/** The services that keep a store on a volume of their stack (the Ollama cache outlives stacks). */
export const storeServices = serviceNames.filter((name) => specOf(name).dataDir && !specOf(name).keepData);

export type FirstStartTimes = Record<ServiceName, { first: ServiceStart[]; initialised: ServiceStart[] }>;

async function measured(stack: Stack, name: ServiceName, healthyAt: number): Promise<ServiceStart> {
  const docker = (await getContainerRuntimeClient()).container.dockerode;
  const { State } = await docker.getContainer(stack.containerId(name)).inspect();
  return { healthyMs: healthyAt - Date.parse(State.StartedAt), cpuSeconds: await stack.cpuSeconds(name) };
}

/**
 * What a pre-initialised store could save at most: each store service booted alone on an empty
 * volume (its first start makes the store, users and password), then a new container on that
 * volume (the store already made), in turn; the difference bounds what a store template saves.
 */
export async function firstStartTimes(rounds: number): Promise<FirstStartTimes> {
  const times = {} as FirstStartTimes;
  for (const name of storeServices) {
    const starts = (times[name] = { first: [] as ServiceStart[], initialised: [] as ServiceStart[] });
    for (let round = 0; round < rounds; round++) {
      const stack = await bootStack({ services: [name] });
      try {
        starts.first.push(await measured(stack, name, Date.now()));
        await stack.recreate(name);
        starts.initialised.push(await measured(stack, name, Date.now()));
      } finally {
        await stack.stop();
      }
    }
  }
  return times;
}
