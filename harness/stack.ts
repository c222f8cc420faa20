import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import type { ContainerRuntimeClient, ExecResult } from "testcontainers";
import { catalog, serviceNames, specOf, type ClientOf, type ServiceName } from "./catalog.ts";
import { inDependencyOrder } from "./dependency-order.ts";
import { connectEngine } from "./engine.ts";
import { StackError } from "./errors.ts";
import { ensureImage } from "./ensure-image.ts";
import { imageTrack, resolveImage, type ImageTrack } from "./images.ts";
import { cacheLabels, cacheVolumeName, runLabels } from "./labels.ts";
import { checkBootOptions } from "./boot-options.ts";
import { ownedByThisProcess, removeAbandonedRuns, removeRun } from "./cleanup.ts";
import { lastLogLines, logDetails, logLinesOnFailure } from "./container-logs.ts";
import { watchDeaths } from "./death-watch.ts";
import { startReaper } from "./reaper.ts";
import { startRyuk } from "./ryuk.ts";
import { withMachineLock } from "./machine-lock.ts";
import { reusable, reuseKey, reuseRequested } from "./reuse.ts";
import { ServiceContainer } from "./service-container.ts";
import type { ClientFactory } from "./service-spec.ts";
import { selectServices } from "./selection.ts";
import { resolveSettings, type StackSettings } from "./settings.ts";

/** Where a client reaches a service. */
export interface Endpoint {
  host: string;
  port: number;
  url: string;
}

/** pulling the image, starting the container, waiting for its healthcheck, healthy, or failed. */
export type BootPhase = "pulling" | "starting" | "waiting" | "healthy" | "failed";

export interface BootProgress {
  /** The run the service belongs to (label `stack-harness.run`); unknown while the images are pulled, before the run begins. */
  runId: string | undefined;
  service: ServiceName;
  phase: BootPhase;
  /** Milliseconds since bootStack() was called. */
  elapsedMs: number;
}

export interface BootOptions<Names extends ServiceName = ServiceName> {
  /**
   * Services to start, by compose service name.
   * @default every service in the catalog
   * @example bootStack({ services: ["pgvector", "redis"] })
   */
  services?: readonly Names[];
  /**
   * Pinned upstream images, or the look-alikes built by `npm run images`.
   * @default process.env.STACK_HARNESS_IMAGES, else "upstream"
   * @example bootStack({ images: "lookalike" })
   */
  images?: ImageTrack;
  /**
   * Milliseconds each service may take to become healthy, for all or per service.
   * @default the catalog's value per service (pgvector 60 000, redis 30 000)
   * @example bootStack({ startupTimeoutMs: { pgvector: 120_000 } })
   */
  startupTimeoutMs?: number | Partial<Record<ServiceName, number>>;
  /**
   * Called as each service moves through pulling, starting, waiting (for its healthcheck),
   * healthy or failed.
   * @default no reporting
   * @example bootStack({ onProgress: (p) => console.log(p.service, p.phase, p.elapsedMs) })
   */
  onProgress?: (progress: BootProgress) => void;
  /**
   * The model Ollama pulls at boot, unless its volume holds it already; a model of the stack's
   * own registry (`model-registry:5000/...`) is pulled with --insecure.
   * @default process.env.STACK_HARNESS_OLLAMA_MODEL, else "smollm2:135m" (upstream images) or
   * "model-registry:5000/library/tiny-llama:latest" (look-alike images)
   * @example bootStack({ ollamaModel: "all-minilm" })
   */
  ollamaModel?: string;
  /**
   * Aborts the boot: what it started is removed and bootStack rejects.
   * @default none
   * @example bootStack({ signal: AbortSignal.timeout(300_000) })
   */
  signal?: AbortSignal;
  /**
   * Keeps the stack running after stop() and the process end, and hands it to the next boot that
   * asks for the same services, images and settings, on any process of this machine; that boot
   * takes a second or two. A kept stack that is not fully healthy is replaced. `stack-harness
   * down` removes it. Data written by earlier runs is still there. Disabled by
   * TESTCONTAINERS_REUSE_ENABLE=false.
   * @default process.env.STACK_HARNESS_REUSE === "true"
   * @example bootStack({ services: ["pgvector"], reuse: true })
   */
  reuse?: boolean;
  /**
   * Variables added to or replacing a service's environment. Clients, URLs and appEnvironment()
   * follow them (e.g. another Postgres password).
   * @default the catalog's environment
   * @example bootStack({ environment: { neo4j: { NEO4J_PLUGINS: '["apoc"]' } } })
   */
  environment?: Partial<Record<ServiceName, Record<string, string>>>;
  /**
   * A fixed host port for a service's main port, e.g. for a desktop client; a port that is taken
   * fails the boot with the port named.
   * @default a free port chosen by the engine
   * @example bootStack({ hostPorts: { redis: 6379 } })
   */
  hostPorts?: Partial<Record<ServiceName, number>>;
}

/** How a kept stack was found: its reuse key, and whether this boot found it running. */
export interface StackReuse {
  key: string;
  adopted: boolean;
}

/**
 * Starts the services on one private network, each reachable at its compose service name,
 * in parallel and in dependency order, and resolves once every healthcheck passes.
 */
export async function bootStack<const Names extends ServiceName = ServiceName>(
  options: BootOptions<Names> = {},
): Promise<Stack<Names>> {
  const bootStarted = Date.now();
  checkBootOptions(options);
  const names = selectServices(options.services ?? (serviceNames as Names[]));
  const track = imageTrack(options.images);
  const settings = resolveSettings(options, track);
  const engine = await connectEngine();
  const report = (runId: string | undefined, service: ServiceName, phase: BootPhase) =>
    options.onProgress?.({ runId, service, phase, elapsedMs: Date.now() - bootStarted });
  const images = new Map(names.map((name) => [name, resolveImage(specOf(name), track)]));
  const environments = new Map(names.map((name) => [name, environmentOf(name, options.environment)]));
  // Every image at once, before anything starts: a dependent's pull need not wait for its dependency.
  await Promise.all(names.map((name) => ensureImage(engine, name, images.get(name)!, track, () => report(undefined, name, "pulling"))));
  throwIfInterrupted(options.signal);
  const plan = { engine, names, images, environments, settings, options, report };
  if (!reuseRequested(options.reuse)) {
    await Promise.all([removeAbandonedRuns(engine), startRyuk(engine)]);
    const runId = randomBytes(4).toString("hex");
    const reaper = startReaper(runId);
    return boot({ ...plan, runId, reuse: undefined, reaper }).catch((error: unknown) => {
      reaper.kill();
      throw error;
    });
  }
  const shapes = names.map((name) => ({ name, image: images.get(name)!, environment: environments.get(name)!, hostPort: options.hostPorts?.[name] }));
  const key = await reuseKey(engine, shapes, settings);
  return withMachineLock(`stack-harness-reuse-${key}`, reuseLockTimeoutMs, async () => {
    const runId = `reuse-${key}`;
    const adopted = await reusable(engine, key, networkName(runId), names);
    if (!adopted) await removeRun(engine, runId);
    return boot({ ...plan, runId, reuse: { key, adopted }, reaper: undefined });
  });
}

/** How long a boot waits for another process booting the same reused stack. */
const reuseLockTimeoutMs = 600_000;

/** The catalog's environment with the boot's overrides, refused early where the image would refuse it. */
function environmentOf(name: ServiceName, overrides: BootOptions["environment"]): Record<string, string> {
  const spec = specOf(name);
  const environment = { ...spec.environment, ...overrides?.[name] };
  const refusal = spec.checkEnvironment?.(environment);
  if (refusal) throw new StackError({ service: name, ...refusal });
  return environment;
}

function networkName(runId: string): string {
  return `stack-harness-${runId}`;
}

interface BootPlan<Names extends ServiceName> {
  engine: ContainerRuntimeClient;
  names: readonly Names[];
  images: Map<Names, string>;
  environments: Map<Names, Record<string, string>>;
  settings: StackSettings;
  options: BootOptions<Names>;
  report: (runId: string | undefined, service: ServiceName, phase: BootPhase) => void;
  runId: string;
  reuse: StackReuse | undefined;
  reaper: ChildProcess | undefined;
}

async function boot<Names extends ServiceName>(plan: BootPlan<Names>): Promise<Stack<Names>> {
  const { engine, names, images, environments, settings, options, runId, reuse } = plan;
  const report = (service: ServiceName, phase: BootPhase) => plan.report(runId, service, phase);
  const { signal } = options;
  let abortRemoval: Promise<unknown> | undefined;
  const removeOnAbort = () => {
    abortRemoval = removeRun(engine, runId).catch(() => {});
  };
  signal?.addEventListener("abort", removeOnAbort, { once: true });

  const network = networkName(runId);
  const services = new Map<Names, ServiceContainer>();
  const bootMs = {} as Record<Names, number>;
  const startOne = async (name: Names) => {
    const spec = specOf(name);
    const image = images.get(name)!;
    const volume = !spec.dataDir ? undefined : spec.keepData ? cacheVolumeName(name) : `${network}-${name}`;
    if (volume && !reuse?.adopted) {
      const Labels = spec.keepData ? cacheLabels(name) : runLabels(runId);
      await engine.container.dockerode.createVolume({ Name: volume, Labels });
    }
    const placement = {
      runId,
      network,
      volume,
      image,
      startupTimeoutMs: startupTimeout(options.startupTimeoutMs, name),
      settings,
      environment: environments.get(name)!,
      hostPort: options.hostPorts?.[name],
      reuseKey: reuse?.key,
      onWaiting: () => report(name, "waiting"),
    };
    const service = new ServiceContainer(spec, placement);
    services.set(name, service);
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
  try {
    throwIfInterrupted(signal);
    if (!reuse?.adopted) {
      const Labels = { ...runLabels(runId), ...(reuse ? {} : ownedByThisProcess()) };
      await engine.container.dockerode.createNetwork({ Name: network, Driver: "bridge", Labels });
    }
    const outcomes = await inDependencyOrder(names, (name) => specOf(name).dependsOn as Names[], startOne);
    throwIfInterrupted(signal);
    const failure = outcomes.find((outcome) => outcome.status === "rejected");
    if (failure) throw failure.reason;
  } catch (error) {
    await abortRemoval;
    await removeRun(engine, runId);
    throw error;
  } finally {
    signal?.removeEventListener("abort", removeOnAbort);
  }
  const stack = new Stack({ engine, runId, network, services: names, containers: services, bootMs, settings, reuse, reaper: plan.reaper });
  await stack.watchForDeaths();
  return stack;
}

function throwIfInterrupted(signal: AbortSignal | undefined): void {
  if (!signal?.aborted) return;
  throw new StackError({
    problem: "the boot was interrupted; the containers, network and volumes it created are removed.",
    fix: "boot again when ready.",
    cause: signal.reason,
  });
}

const clientCloseMs = 2_000;

/** A client whose server went away may never finish closing; stop() does not wait for it. */
function withinMs(ms: number, work: Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function startupTimeout(option: BootOptions["startupTimeoutMs"], name: ServiceName): number {
  if (typeof option === "number") return option;
  return option?.[name] ?? catalog[name].startupTimeoutMs;
}

/** A booted stack: endpoints, clients and lifecycle per service. */
export class Stack<Names extends ServiceName = ServiceName> {
  /** Identifies this stack's containers, network and volumes (label `stack-harness.run`). */
  readonly runId: string;
  /** The private network every service is attached to; app containers may join it. */
  readonly network: string;
  readonly services: readonly Names[];
  /** Milliseconds from container start to healthy (and provisioned), per service. */
  readonly bootMs: Readonly<Record<Names, number>>;
  /** What the boot resolved: e.g. the model Ollama holds. */
  readonly settings: StackSettings;
  /** Set when the stack is kept for reuse (see BootOptions.reuse). */
  readonly reuse: StackReuse | undefined;
  private readonly engine: ContainerRuntimeClient;
  private readonly containers: Map<Names, ServiceContainer>;
  private readonly reaper: ChildProcess | undefined;
  private readonly clients: Array<() => Promise<void>> = [];
  private readonly deathsByService = new Map<Names, StackError>();
  private unwatch: () => void = () => {};
  private stopping = false;

  constructor(parts: {
    engine: ContainerRuntimeClient;
    runId: string;
    network: string;
    services: readonly Names[];
    containers: Map<Names, ServiceContainer>;
    bootMs: Record<Names, number>;
    settings: StackSettings;
    reuse: StackReuse | undefined;
    reaper: ChildProcess | undefined;
  }) {
    this.engine = parts.engine;
    this.runId = parts.runId;
    this.network = parts.network;
    this.services = parts.services;
    this.containers = parts.containers;
    this.bootMs = parts.bootMs;
    this.settings = parts.settings;
    this.reuse = parts.reuse;
    this.reaper = parts.reaper;
  }

  /** Endpoint from this machine; read from the engine each time, since restarts change host ports. */
  hostEndpoint(name: Names): Endpoint {
    const service = this.service(name);
    const host = service.container.getHost();
    const port = service.container.getMappedPort(service.spec.port);
    return { host, port, url: service.spec.url(host, port, service.placement.environment) };
  }

  /** Host port of any published container port of the service (see the catalog's ports). */
  mappedPort(name: Names, containerPort: number): number {
    return this.service(name).container.getMappedPort(containerPort);
  }

  /** Endpoint from a container on the stack network: the compose service name and container port. */
  networkEndpoint(name: Names): Endpoint {
    const { spec, placement } = this.service(name);
    return { host: spec.name, port: spec.port, url: spec.url(spec.name, spec.port, placement.environment) };
  }

  /**
   * The variables an app container on `network` expects (OLLAMA_BASE_URL, DATABASE_URL, REDIS_URL,
   * NEO4J_URI, CHROMA_URL, ELASTICSEARCH_URL, SPARK_MASTER, ...), for the services of this stack.
   */
  appEnvironment(): Record<string, string> {
    return Object.assign(
      {},
      ...this.services.map((name) => {
        const { spec, placement } = this.service(name);
        return spec.appEnvironment?.(this.networkEndpoint(name).url, placement.environment) ?? {};
      }),
    );
  }

  /** A connected client from the library users use (pg.Client, a node-redis client, ...), closed by stop(). */
  async client<Name extends Names>(name: Name): Promise<ClientOf<Name>> {
    const factory = catalog[name].client as unknown as ClientFactory<ClientOf<Name>>;
    const { container, placement } = this.service(name);
    const client = await factory.connect({
      ...this.hostEndpoint(name),
      environment: placement.environment,
      mappedPort: (containerPort) => container.getMappedPort(containerPort),
    });
    this.clients.push(() => factory.close(client));
    return client;
  }

  /** Restarts the same container gracefully and waits for its healthcheck again; also revives a dead service. */
  restart(name: Names): Promise<void> {
    const service = this.service(name, { evenIfDead: true });
    this.deathsByService.delete(name);
    return service.restart();
  }

  /** Replaces the container with a new one on the same named volume. */
  recreate(name: Names): Promise<void> {
    return this.service(name).recreate();
  }

  /** Kills the container with SIGKILL (a crash, an OOM kill), starts it again and waits for healthy. */
  crash(name: Names): Promise<void> {
    return this.service(name).crash();
  }

  /**
   * Services that stopped after the boot without being asked to, each as an error with its exit
   * code and last log lines; such a service's endpoints, client and exec throw that error.
   */
  deaths(): StackError[] {
    return [...this.deathsByService.values()];
  }

  /** Runs a shell command inside the service's container. */
  exec(name: Names, command: string): Promise<ExecResult> {
    return this.service(name).exec(command);
  }

  /** The image the service runs (upstream, override or look-alike). */
  image(name: Names): string {
    return this.service(name).placement.image;
  }

  containerId(name: Names): string {
    return this.service(name).container.getId();
  }

  /** Resident memory of the service's container (RSS, without page cache), in bytes. */
  async memoryBytes(name: Names): Promise<number> {
    const memory = (await this.stats(name)).memory_stats;
    const counters = memory.stats as Partial<Record<"rss" | "anon", number>> | undefined;
    return counters?.rss ?? counters?.anon ?? memory.usage; // cgroup v1 rss, cgroup v2 anon
  }

  /** CPU time (user and system) the service's container has used since it started, in seconds. */
  async cpuSeconds(name: Names): Promise<number> {
    return (await this.stats(name)).cpu_stats.cpu_usage.total_usage / 1e9;
  }

  /** One reading of the container's counters (one-shot: without the second sample for rates). */
  private stats(name: Names) {
    return this.engine.container.dockerode.getContainer(this.containerId(name)).stats({ stream: false, "one-shot": true });
  }

  /** Docker's own health status of the service's container. */
  async healthStatus(name: Names): Promise<string | undefined> {
    const inspect = await this.engine.container.dockerode.getContainer(this.containerId(name)).inspect();
    return inspect.State.Health?.Status;
  }

  /**
   * Closes the clients handed out, and removes the containers, the network and the volumes,
   * unless the stack is kept for reuse.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    this.unwatch();
    await Promise.allSettled(this.clients.splice(0).map((close) => withinMs(clientCloseMs, close())));
    if (this.reuse) return;
    await removeRun(this.engine, this.runId);
    this.reaper?.kill();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  /** Starts noticing services that die; called once by bootStack. */
  async watchForDeaths(): Promise<void> {
    this.unwatch = await watchDeaths(this.engine, this.runId, (containerId) => void this.noticeExit(containerId));
  }

  private async noticeExit(containerId: string): Promise<void> {
    const entry = [...this.containers].find(([, service]) => service.runningId === containerId);
    if (!entry || this.stopping) return;
    const [name, service] = entry;
    if (service.stoppingOnPurpose) return;
    const { State: state } = await this.engine.container.dockerode.getContainer(containerId).inspect();
    if (state.Running || this.stopping) return;
    const oom = state.OOMKilled ? `, killed for going over its ${service.spec.memoryMiB} MiB memory limit` : "";
    const death = new StackError({
      service: name,
      problem: `died after the boot (exit code ${state.ExitCode}${oom}).`,
      fix: oom
        ? "load less data into it in one test, or give it more memory (memoryMiB in its catalog entry); stack.restart() starts it again."
        : `read its last log lines below; stack.restart("${name}") starts it again.`,
      details: logDetails(name, await lastLogLines(this.engine, containerId, logLinesOnFailure)),
    });
    this.deathsByService.set(name, death);
    console.error(death.message);
  }

  private service(name: Names, { evenIfDead = false } = {}): ServiceContainer {
    const death = this.deathsByService.get(name);
    if (death && !evenIfDead) throw death;
    const service = this.containers.get(name);
    if (!service) {
      throw new StackError({
        service: name,
        problem: "is not part of this stack.",
        fix: `boot it with the others: bootStack({ services: [${[...this.services, name].map((n) => `"${n}"`).join(", ")}] }).`,
      });
    }
    return service;
  }
}
