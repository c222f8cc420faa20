import type { ExecResult } from "testcontainers";
import { catalog, type ClientOf, type Seeds, type ServiceName } from "./catalog/catalog.ts";
import { stackPart, type ClientFactory, type StackSettings } from "./catalog/service-spec.ts";
import type { RunCleanup } from "./cleanup/run-cleanup.ts";
import { StackData } from "./data/stack-data.ts";
import type { StackSlice } from "./data/stack-slice.ts";
import type { DeathWatch } from "./engine/death-watch.ts";
import type { Endpoint, ServiceContainer } from "./engine/service-container.ts";
import { StackError } from "./errors.ts";
import type { FaultProxy } from "./faults/fault-proxy.ts";
import type { NetworkFault } from "./faults/network-fault.ts";
import type { ImageTrack } from "./images/track.ts";

/** A network fault in place (Stack.fault): `remove()`, or `await using`, takes it away. */
export interface ActiveFault {
  remove(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** How a kept stack was found: its reuse key, and whether this boot found it running. */
export interface StackReuse {
  key: string;
  adopted: boolean;
}

const clientCloseMs = 2_000;

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
  /** Where the images came from: "upstream" or "lookalike" (what `images: "auto"` decided). */
  readonly track: ImageTrack;
  /** Set when the stack is kept for reuse (see BootOptions.reuse). */
  readonly reuse: StackReuse | undefined;
  private readonly containers: ReadonlyMap<Names, ServiceContainer>;
  private readonly cleanup: RunCleanup;
  private readonly deathWatch: DeathWatch<Names>;
  private readonly clients: Array<() => Promise<void>> = [];
  private readonly data: StackData<Names>;
  private readonly faultProxy: FaultProxy | undefined;

  /** Made by bootStack(). */
  constructor(parts: {
    runId: string;
    network: string;
    services: readonly Names[];
    containers: ReadonlyMap<Names, ServiceContainer>;
    bootMs: Record<Names, number>;
    settings: StackSettings;
    track: ImageTrack;
    reuse: StackReuse | undefined;
    cleanup: RunCleanup;
    deaths: DeathWatch<Names>;
    faultProxy: FaultProxy | undefined;
  }) {
    this.runId = parts.runId;
    this.network = parts.network;
    this.services = parts.services;
    this.containers = parts.containers;
    this.bootMs = parts.bootMs;
    this.settings = parts.settings;
    this.track = parts.track;
    this.reuse = parts.reuse;
    this.cleanup = parts.cleanup;
    this.deathWatch = parts.deaths;
    this.faultProxy = parts.faultProxy;
    this.data = new StackData({
      names: this.services,
      service: (name) => this.service(name),
      connect: (name, variables) => this.connect(name, variables),
    });
  }

  /** Endpoint from this machine; read from the engine each time, since restarts change host ports. */
  hostEndpoint(name: Names): Endpoint {
    return this.service(name).hostEndpoint();
  }

  /** Host port of any published container port of the service (see the catalog's ports). */
  mappedPort(name: Names, containerPort: number): number {
    return this.service(name).mappedPort(containerPort);
  }

  /** Endpoint from a container on the stack network: the compose service name and container port. */
  networkEndpoint(name: Names): Endpoint {
    return this.service(name).networkEndpoint();
  }

  /**
   * The variables an app expects (OLLAMA_BASE_URL, DATABASE_URL, REDIS_URL, NEO4J_URI, CHROMA_URL,
   * ELASTICSEARCH_URL, SPARK_MASTER, ...), for the services of this stack: for an app container on
   * `network` (the default), or for an app on this machine ("host").
   */
  appEnvironment(from: "network" | "host" = "network"): Record<string, string> {
    return Object.assign({}, ...this.services.map((name) => this.service(name).appEnvironment(from)));
  }

  /** A connected client from the library users use (pg.Client, a node-redis client, ...), closed by stop(). */
  client<Name extends Names>(name: Name): Promise<ClientOf<Name>> {
    return this.connect(name, {});
  }

  /**
   * Opens a slice: a part of pgvector, Redis, Elasticsearch and Chroma that sees none of the
   * other slices' data nor the stack's own, e.g. one per test worker, and leases of Neo4j's single
   * database; Ollama and Spark are shared. A slice opens holding the seeds, and opening a name
   * again resets that slice. The slice gives endpoints, clients and the app variables pointed at it.
   * @example const slice = await stack.slice("w1"); slice.appEnvironment("host").DATABASE_URL
   */
  slice(name: string): Promise<StackSlice<Names>> {
    return this.data.open(name);
  }

  /**
   * Returns the stack's own data (what a caller without a slice sees) to the seeds, in every
   * stateful service or in one; Neo4j only while no slice holds its lease.
   * @example await stack.reset("redis")
   */
  reset(name?: Names): Promise<void> {
    return this.data.reset(stackPart, name ? [name] : undefined);
  }

  /**
   * Keeps the stack's own data of every stateful service as `name` (slices take their own:
   * slice.snapshot); restore(name) brings it back exactly.
   * @example await stack.snapshot("before_import"); ...; await stack.restore("before_import")
   */
  snapshot(name: string): Promise<void> {
    return this.data.snapshot(stackPart, name);
  }

  /** Makes the stack's own data hold exactly what it held at snapshot(name). */
  restore(name: string): Promise<void> {
    return this.data.restore(stackPart, name);
  }

  /** Run by bootStack() once every service is healthy: applies the seeds, which every slice then starts from. */
  applySeeds(seeds: Seeds, adopted: boolean): Promise<void> {
    return this.data.applySeeds(seeds, adopted);
  }

  /** Restarts the same container gracefully and waits for its healthcheck again; also revives a dead service. */
  restart(name: Names): Promise<void> {
    const service = this.service(name, { evenIfDead: true });
    this.deathWatch.forget(name);
    return this.data.whileChanging(name, () => service.restart());
  }

  /** Replaces the container with a new one on the same named volume. */
  recreate(name: Names): Promise<void> {
    const service = this.service(name);
    return this.data.whileChanging(name, () => service.recreate());
  }

  /** Kills the container with SIGKILL (a crash, an OOM kill), starts it again and waits for healthy. */
  crash(name: Names): Promise<void> {
    const service = this.service(name);
    return this.data.whileChanging(name, () => service.crash());
  }

  /**
   * Freezes the service's container (the engine's pause): it keeps its connections, and every
   * request to it hangs until resume(name). A paused service is still paused after the test that
   * paused it: resume it, or heal() the stack.
   * @example await stack.pause("redis"); ...; await stack.resume("redis")
   */
  pause(name: Names): Promise<void> {
    return this.service(name).pause();
  }

  /** Thaws a paused service: the requests that hung go on. */
  resume(name: Names): Promise<void> {
    return this.service(name).resume();
  }

  /**
   * Takes the service off the stack network until reconnect(name), as a cable pull would: its
   * name no longer resolves there (behind the fault proxy: it answers and refuses), its host
   * endpoint refuses connections, open connections from the network go unanswered, and those from
   * this machine fail (Docker's port forwarder for them goes).
   * @example await stack.disconnect("neo4j"); ...; await stack.reconnect("neo4j")
   */
  async disconnect(name: Names): Promise<void> {
    const service = this.service(name);
    await service.disconnect();
    if (this.faultProxy?.fronts(name)) await this.faultProxy.setOpen(name, false);
  }

  /** Puts the service back on the stack network at its name, on the same host endpoint. */
  async reconnect(name: Names): Promise<void> {
    const service = this.service(name);
    await service.reconnect();
    if (this.faultProxy?.fronts(name)) await this.faultProxy.setOpen(name, true);
  }

  /**
   * Adds a network condition (latency, bandwidth, timeout, reset) to every connection to a service
   * booted behind the fault proxy (BootOptions.faultProxy), from this machine and from the stack
   * network alike, including the stack's own clients and slices; the handle removes it.
   * @example await using _slow = await stack.fault("elasticsearch", { kind: "latency", ms: 300, jitterMs: 30 });
   */
  async fault(name: Names, fault: NetworkFault): Promise<ActiveFault> {
    this.service(name);
    if (!this.faultProxy?.fronts(name)) {
      throw new StackError({
        code: "not-proxied",
        service: name,
        problem: "was not booted behind the fault proxy, so no network fault can reach its connections.",
        fix: `boot it behind the proxy: bootStack({ faultProxy: ["${name}"] }) (pause, disconnect and crash need no proxy).`,
      });
    }
    const remove = await this.faultProxy.add(name, fault);
    return { remove, [Symbol.asyncDispose]: remove };
  }

  /**
   * Undoes every fault of one service or of the whole stack: removes its network faults, resumes
   * it if paused and reconnects it if disconnected. Crashed or restarted services are not faults.
   * @example afterEach(() => stack.heal())
   */
  async heal(name?: Names): Promise<void> {
    await Promise.all(
      (name ? [name] : this.services).map(async (each) => {
        const service = this.service(each, { evenIfDead: true });
        if (!service.runningId) return;
        await service.resume();
        await service.reconnect();
      }),
    );
    await this.faultProxy?.heal(name);
  }

  /**
   * Services that stopped after the boot without being asked to, each as an error with its exit
   * code and last log lines; such a service's endpoints, client and exec throw that error.
   */
  deaths(): StackError[] {
    return this.deathWatch.all();
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
    return this.service(name).containerId();
  }

  /** Resident memory of the service's container (RSS, without page cache), in bytes. */
  memoryBytes(name: Names): Promise<number> {
    return this.service(name).memoryBytes();
  }

  /** CPU time (user and system) the service's container has used since it started, in seconds. */
  cpuSeconds(name: Names): Promise<number> {
    return this.service(name).cpuSeconds();
  }

  /** Docker's own health status of the service's container. */
  healthStatus(name: Names): Promise<string | undefined> {
    return this.service(name).healthStatus();
  }

  /**
   * Closes the clients handed out, and removes the containers, the network and the volumes,
   * unless the stack is kept for reuse.
   */
  async stop(): Promise<void> {
    this.deathWatch.stop();
    await Promise.allSettled([...this.clients.splice(0).map((close) => withinMs(clientCloseMs, close())), withinMs(clientCloseMs, this.data.close())]);
    if (this.reuse) return;
    // An archive left unwritten (a JVM that would not stop in time) is written by a later stop.
    await Promise.all(this.services.map((name) => this.service(name, { evenIfDead: true }).writeClassArchive().catch(() => {})));
    await this.cleanup.remove();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  private async connect<Name extends Names>(name: Name, variables: Record<string, string>): Promise<ClientOf<Name>> {
    const factory = catalog[name].client as unknown as ClientFactory<ClientOf<Name>>;
    const client = await factory.connect(this.service(name).clientTarget(variables));
    this.clients.push(() => factory.close(client));
    return client;
  }

  private service(name: Names, { evenIfDead = false } = {}): ServiceContainer {
    const death = this.deathWatch.deathOf(name);
    if (death && !evenIfDead) throw death;
    const service = this.containers.get(name);
    if (!service) {
      throw new StackError({
        code: "not-in-stack",
        service: name,
        problem: "is not part of this stack.",
        fix: `boot it with the others: bootStack({ services: [${[...this.services, name].map((n) => `"${n}"`).join(", ")}] }).`,
      });
    }
    return service;
  }
}

/** A client whose server went away may never finish closing; stop() does not wait for it. */
function withinMs(ms: number, work: Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
