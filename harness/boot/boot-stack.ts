import type { ContainerRuntimeClient } from "testcontainers";
import { specOf, type ServiceName } from "../catalog/catalog.ts";
import { RunCleanup } from "../cleanup/run-cleanup.ts";
import { withMachineLock } from "../common/machine-lock.ts";
import { connectEngine } from "../engine/connect.ts";
import { DeathWatch } from "../engine/death-watch.ts";
import { cacheLabels, cacheVolumeName, networkName, newRunId, reuseLockName, reuseRunId, runLabels, runVolumeName } from "../engine/resource-names.ts";
import { isLocalEngine } from "../engine/published-ports.ts";
import { ServiceContainer } from "../engine/service-container.ts";
import { StackError } from "../errors.ts";
import { FaultProxy } from "../faults/fault-proxy.ts";
import { ensureFaultProxyImage, ensureImage } from "../images/ensure-image.ts";
import { Stack, type StackReuse } from "../stack.ts";
import { inDependencyOrder } from "./dependency-order.ts";
import { resolveBootPlan, withDecidedTrack, type BootOptions, type BootPhase, type BootPlan } from "./options.ts";
import { reusable, reuseKey } from "./reuse.ts";

/** How long a boot waits for another process booting the same reused stack. */
const reuseLockTimeoutMs = 600_000;

/**
 * Starts the services on one private network, each reachable at its compose service name,
 * in parallel and in dependency order, and resolves once every healthcheck passes.
 */
export async function bootStack<const Names extends ServiceName = ServiceName>(
  options: BootOptions<Names> = {},
): Promise<Stack<Names>> {
  const bootStarted = Date.now();
  const checked = resolveBootPlan(options);
  const engine = await connectEngine();
  const plan = await withDecidedTrack(checked, options, engine);
  const report: Report = (runId, service, phase) => plan.onProgress?.({ runId, service, phase, elapsedMs: Date.now() - bootStarted });
  // Every image at once, before anything starts: a dependent's pull need not wait for its dependency.
  await Promise.all([
    ...[...plan.services.values()].map(({ name, image }) => ensureImage(engine, name, image, () => report(undefined, name, "pulling"))),
    ...(plan.faultProxy ? [ensureFaultProxyImage(engine, plan.faultProxy.image)] : []),
  ]);
  throwIfInterrupted(plan.signal);
  if (!plan.reuse) {
    const runId = newRunId();
    return boot({ engine, plan, report, cleanup: await RunCleanup.forNewRun(engine, runId), reuse: undefined });
  }
  const key = await reuseKey(engine, plan.services.values(), plan.settings, plan.seeds);
  return withMachineLock(reuseLockName(key), reuseLockTimeoutMs, async () => {
    const runId = reuseRunId(key);
    const adopted = await reusable(engine, key, networkName(runId), plan.names);
    const cleanup = RunCleanup.forKeptRun(engine, runId);
    if (!adopted) await cleanup.sweep();
    return boot({ engine, plan, report, cleanup, reuse: { key, adopted } });
  });
}

type Report = (runId: string | undefined, service: ServiceName, phase: BootPhase) => void;

interface Run<Names extends ServiceName> {
  engine: ContainerRuntimeClient;
  plan: BootPlan<Names>;
  report: Report;
  cleanup: RunCleanup;
  reuse: StackReuse | undefined;
}

async function boot<Names extends ServiceName>({ engine, plan, report: reportOf, cleanup, reuse }: Run<Names>): Promise<Stack<Names>> {
  const { runId } = cleanup;
  const { signal } = plan;
  const report = (service: ServiceName, phase: BootPhase) => reportOf(runId, service, phase);
  let abortRemoval: Promise<unknown> | undefined;
  const removeOnAbort = () => {
    abortRemoval = cleanup.sweep().catch(() => {});
  };
  signal?.addEventListener("abort", removeOnAbort, { once: true });

  const network = networkName(runId);
  let faultProxy: FaultProxy | undefined;
  const containers = new Map<Names, ServiceContainer>();
  const bootMs = {} as Record<Names, number>;
  const startOne = async (name: Names) => {
    const spec = specOf(name);
    const volume = !spec.dataDir ? undefined : spec.keepData ? cacheVolumeName(name) : runVolumeName(runId, name);
    if (volume && !reuse?.adopted) {
      const Labels = spec.keepData ? cacheLabels(name) : runLabels(runId);
      await engine.container.dockerode.createVolume({ Name: volume, Labels });
    }
    const service = new ServiceContainer(engine, spec, {
      ...plan.services.get(name)!,
      runId,
      network,
      volume,
      settings: plan.settings,
      reuseKey: reuse?.key,
      localEngine: isLocalEngine(engine),
      onWaiting: () => report(name, "waiting"),
      frontPorts: faultProxy?.fronts(name) ? faultProxy.frontPorts(name) : undefined,
    });
    containers.set(name, service);
    report(name, "starting");
    const serviceStarted = Date.now();
    try {
      await service.start();
    } catch (error) {
      report(name, "failed");
      throw error;
    }
    bootMs[name] = Date.now() - serviceStarted;
    report(name, "healthy");
  };
  const deaths = new DeathWatch(engine, runId, containers);
  try {
    throwIfInterrupted(signal);
    if (!reuse?.adopted) await engine.container.dockerode.createNetwork({ Name: network, Driver: "bridge", Labels: cleanup.networkLabels() });
    if (plan.faultProxy) faultProxy = await startFaultProxy(engine, plan, runId, network);
    const outcomes = await inDependencyOrder(plan.names, (name) => specOf(name).dependsOn as Names[], startOne);
    throwIfInterrupted(signal);
    const failure = outcomes.find((outcome) => outcome.status === "rejected");
    if (failure) throw failure.reason;
    await deaths.start();
    const stack = new Stack({ runId, network, services: plan.names, containers, bootMs, settings: plan.settings, track: plan.track, reuse, cleanup, deaths, faultProxy });
    await stack.applySeeds(plan.seeds, reuse?.adopted ?? false);
    throwIfInterrupted(signal);
    return stack;
  } catch (error) {
    deaths.stop();
    await abortRemoval;
    await cleanup.remove();
    throw error;
  } finally {
    signal?.removeEventListener("abort", removeOnAbort);
  }
}

/** The run's fault proxy, in front of every port of the services behind it (it takes the publish address they would have). */
function startFaultProxy(engine: ContainerRuntimeClient, plan: BootPlan, runId: string, network: string): Promise<FaultProxy> {
  const { image, services } = plan.faultProxy!;
  const fronted = services.map((name) => ({ name, ports: [specOf(name).port, ...(specOf(name).extraPorts ?? [])] }));
  return FaultProxy.start(engine, { runId, network, image, publishAddress: plan.services.get(services[0]!)!.publishAddress, services: fronted });
}

function throwIfInterrupted(signal: AbortSignal | undefined): void {
  if (!signal?.aborted) return;
  throw new StackError({
    code: "interrupted",
    problem: "the boot was interrupted; the containers, network and volumes it created are removed.",
    fix: "boot again when ready.",
    cause: signal.reason,
  });
}
