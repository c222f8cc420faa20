import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { getContainerRuntimeClient } from "testcontainers";
import { serviceNames, specOf, type ServiceName } from "../harness/catalog/catalog.ts";
import { removeRun, removeVolume } from "../harness/cleanup/removal.ts";
import { imageOverrideVariable } from "../harness/images/track.ts";
import { cacheVolumeName } from "../harness/engine/resource-names.ts";
import { withDependencies } from "../harness/catalog/selection.ts";
import { resolveBootPlan, withDecidedTrack } from "../harness/boot/options.ts";
import { ollamaModelVariable } from "../harness/catalog/models/ollama-model.ts";
import { bootStack, type BootPhase } from "../harness/index.ts";
import { machineBusyMs } from "../harness/common/machine-cpu.ts";

const run = promisify(execFile);
const ollamaCache = cacheVolumeName("ollama");

/** When each service reached each phase, in ms since the boot began. */
export type Timeline = Partial<Record<ServiceName, Partial<Record<BootPhase, number>>>>;

export interface HarnessBoot {
  ms: number;
  timeline: Timeline;
  memoryMiB: Partial<Record<ServiceName, number>>;
  /** CPU time of each container from its start until just after bootStack() returned. */
  containerCpuSeconds: Partial<Record<ServiceName, number>>;
  /** CPU time of this process (user + system) during bootStack(). */
  harnessCpuMs: number;
  /** Busy CPU time of the whole machine during bootStack(): containers, engine, harness. */
  machineCpuMs: number;
}

/** A cold boot: images present, no container, no volume (the Ollama model cache emptied too). */
export async function harnessColdBoot(services: readonly ServiceName[] = serviceNames): Promise<HarnessBoot> {
  await removeVolume(await getContainerRuntimeClient(), ollamaCache);
  const timeline: Timeline = {};
  const cpu = process.cpuUsage();
  const machine = machineBusyMs();
  const started = Date.now();
  const stack = await bootStack({
    services,
    onProgress: ({ service, phase, elapsedMs }) => ((timeline[service] ??= {})[phase] = elapsedMs),
  });
  const ms = Date.now() - started;
  const machineCpuMs = machineBusyMs() - machine;
  const used = process.cpuUsage(cpu);
  try {
    const [memory, containerCpu] = await Promise.all([
      Promise.all(stack.services.map(async (name) => [name, (await stack.memoryBytes(name)) / 2 ** 20] as const)),
      Promise.all(stack.services.map(async (name) => [name, await stack.cpuSeconds(name)] as const)),
    ]);
    return {
      ms,
      timeline,
      memoryMiB: Object.fromEntries(memory),
      containerCpuSeconds: Object.fromEntries(containerCpu),
      harnessCpuMs: (used.user + used.system) / 1000,
      machineCpuMs,
    };
  } finally {
    await stack.stop();
    await removeVolume(await getContainerRuntimeClient(), ollamaCache);
  }
}

/** `docker compose up --wait` on the generated file, with the same images and model as bootStack(). */
export async function composeColdBoot(composeFile: string): Promise<number> {
  const env = { ...process.env, ...(await composeEnvironment()) };
  const args = ["compose", "-f", composeFile, "-p", "stack-harness-bench"];
  await run("docker", [...args, "down", "-v"], { env });
  const started = Date.now();
  try {
    await run("docker", [...args, "up", "--wait", "--quiet-pull"], { env, maxBuffer: 16 * 2 ** 20 });
    return Date.now() - started;
  } finally {
    await run("docker", [...args, "down", "-v", "--timeout", "10"], { env });
  }
}

/** The STACK_HARNESS_IMAGE_<SERVICE> and model variables that make compose run what bootStack runs. */
async function composeEnvironment(): Promise<Record<string, string>> {
  const plan = await withDecidedTrack(resolveBootPlan({}), {}, await getContainerRuntimeClient());
  const images = [...plan.services.values()].map(({ name, image }) => [imageOverrideVariable(specOf(name)), image]);
  return { ...Object.fromEntries(images), [ollamaModelVariable]: plan.settings.ollamaModel };
}

/** A service booted alone (with what it depends on). */
export async function singleBoot(name: ServiceName): Promise<number> {
  return (await harnessColdBoot(withDependencies(name))).ms;
}

/** Boots of a stack kept by reuse mode, after a first boot that created it. */
export async function warmBoots(rounds: number): Promise<number[]> {
  const first = await bootStack({ reuse: true });
  await first.stop();
  const times: number[] = [];
  try {
    for (let round = 0; round < rounds; round++) {
      const started = Date.now();
      const stack = await bootStack({ reuse: true });
      times.push(Date.now() - started);
      if (!stack.reuse?.adopted) throw new Error("the warm boot did not find the kept stack");
      await stack.stop();
    }
  } finally {
    await removeRun(await getContainerRuntimeClient(), first.runId);
  }
  return times;
}
