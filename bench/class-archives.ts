import { serviceNames, specOf, type ServiceName } from "../harness/catalog/catalog.ts";
import { bootStack } from "../harness/index.ts";
import type { ServiceStart } from "./stats.ts";

/** The services whose server JVM may map a class-data archive (the catalog's `jvm`). */
export const archivedServices = serviceNames.filter((name) => specOf(name).jvm);

export type ClassArchiveTimes = Record<ServiceName, { with: ServiceStart[]; without: ServiceStart[] }>;

async function bootAlone(name: ServiceName, classArchives: boolean): Promise<ServiceStart> {
  let starting = 0;
  let healthy = 0;
  const stack = await bootStack({
    services: [name],
    classArchives,
    onProgress: ({ phase, elapsedMs }) => (phase === "starting" ? (starting = elapsedMs) : phase === "healthy" ? (healthy = elapsedMs) : undefined),
  });
  try {
    return { healthyMs: healthy - starting, cpuSeconds: await stack.cpuSeconds(name) };
  } finally {
    await stack.stop();
  }
}

/**
 * Each JVM service booted alone with and without its class-data archive, interleaved, each first
 * in turn; a first boot with archives on makes the archive (its JVM writes it at the stop).
 */
export async function classArchiveTimes(rounds: number): Promise<ClassArchiveTimes> {
  const times = {} as ClassArchiveTimes;
  for (const name of archivedServices) {
    await (await bootStack({ services: [name] })).stop();
    const boots = (times[name] = { with: [] as ServiceStart[], without: [] as ServiceStart[] });
    for (let round = 0; round < rounds; round++) {
      for (const archived of round % 2 === 0 ? [true, false] : [false, true]) {
        (archived ? boots.with : boots.without).push(await bootAlone(name, archived));
      }
    }
  }
  return times;
}
