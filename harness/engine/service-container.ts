import { createWriteStream, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { stripVTControlCharacters } from "node:util";
import type { ContainerRuntimeClient, ExecResult, GenericContainer, StartedTestContainer } from "testcontainers";
import type { ServiceName } from "../catalog/catalog.ts";
import { provisionCommand, type ClientTarget, type ServiceSpec, type StackSettings } from "../catalog/service-spec.ts";
import { withMachineLock } from "../common/machine-lock.ts";
import { StackError } from "../errors.ts";
import { archiveMappedCommand, classArchiveMount, classArchiveOf, type ClassArchive } from "./class-archive.ts";
import { copyInto } from "./copy-files.ts";
import { portsPodmanBinds } from "./engine-kind.ts";
import { dockerHealthCheck } from "./healthcheck.ts";
import { lastLogLinesOf, logLinesOnFailure } from "./container-logs.ts";
import { HealthWait, HealthWaitFailure } from "./health-wait.ts";
import { hostPortsFor, portAttempts, publishAddressOn, publishedHost } from "./published-ports.ts";
import { StackContainer } from "./stack-container.ts";
import { cacheVolumeName, containerName, directAlias, reuseLabel, runLabels, serviceLabel } from "./resource-names.ts";
import { startFailure, type TakenPort } from "./start-failure.ts";

/** Where a client reaches a service. */
export interface Endpoint {
  host: string;
  port: number;
  url: string;
}

/** What a boot decided for one service, from the catalog and its options. */
export interface ServicePlan {
  name: ServiceName;
  image: string;
  /** The catalog's environment with the boot's overrides. */
  environment: Record<string, string>;
  /** A fixed host port for the service's main port; a free one when undefined. */
  hostPort: number | undefined;
  startupTimeoutMs: number;
  /** Where the container's output is appended to `<runId>-<service>.log`; none when undefined. */
  logDir: string | undefined;
  /** The address of the engine's host its ports are published on; when undefined, 127.0.0.1 for a local engine, every address for a remote one. */
  publishAddress: string | undefined;
  /** Whether its server JVM maps (or, where there is none, writes) a class-data archive. */
  classArchive: boolean;
  /** Whether it runs behind the fault proxy, which answers at its name and host endpoint (see BootOptions.faultProxy). */
  proxied: boolean;
}

/** A service's plan placed in a run. */
export interface ServicePlacement extends ServicePlan {
  runId: string;
  network: string;
  volume: string | undefined;
  settings: StackSettings;
  /** The reuse key when the stack is kept for later runs; such a container is found again by it. */
  reuseKey: string | undefined;
  /** Whether the engine runs on this machine: then the harness chooses the host ports itself. */
  localEngine: boolean;
  /** Called once the container runs and its healthcheck is awaited. */
  onWaiting: () => void;
  /** For a proxied service: the proxy's host port of each of its container ports. */
  frontPorts: ReadonlyMap<number, number> | undefined;
}


/** One service's container: started, restarted in place, or recreated on its named volume; it answers for its endpoints. */
export class ServiceContainer {
  readonly spec: ServiceSpec;
  readonly placement: ServicePlacement;
  private readonly engine: ContainerRuntimeClient;
  private started: StartedTestContainer | undefined;
  private purposefulStops = 0;
  /** Host port per container port, fixed by the first start for the life of the stack: restarts and new containers keep them. */
  private keptHostPorts: Map<number, number> | undefined;
  /** The server JVM's class-data archive, where it has one (see classArchiveOf). */
  private archive: ClassArchive | undefined;
  /** Whether `archive` is decided: once per service, not at every start attempt, restart or recreate. */
  private archiveDecided = false;
  /** Ports the image exposes beyond the catalog's, published too on Podman (see portsPodmanBinds). */
  private imageOnlyPorts: number[] | undefined;

  constructor(engine: ContainerRuntimeClient, spec: ServiceSpec, placement: ServicePlacement) {
    this.engine = engine;
    this.spec = spec;
    this.placement = placement;
  }

  private get container(): StartedTestContainer {
    if (!this.started) {
      throw new StackError({
        code: "not-running",
        service: this.spec.name,
        problem: "its container is not running.",
        fix: "boot the stack first, or wait for a pending recreate to finish.",
      });
    }
    return this.started;
  }

  async start(): Promise<void> {
    this.imageOnlyPorts ??= (await portsPodmanBinds(this.engine, this.placement.image)).filter((port) => !this.catalogPorts().includes(port));
    for (let attempt = 1; ; attempt++) {
      let hostPorts = new Map<number, number>();
      try {
        hostPorts = await this.hostPortsToPublish();
        const definition = await this.definition(hostPorts);
        const { logDir } = this.placement;
        if (logDir) definition.withLogConsumer((stream) => this.keepLog(stream, logDir));
        this.started = await definition.start();
        break;
      } catch (error) {
        const taken = this.takenBinding(error, hostPorts);
        if (taken?.by === "harness" && attempt < portAttempts) {
          // The engine created the container before it failed to start it: free its name for the next try.
          await this.engine.container.dockerode.getContainer(containerName(this.placement.runId, this.spec.name)).remove({ force: true });
          continue;
        }
        throw startFailure(this.spec, this.placement, (await this.exitedInstead(error)) ?? error, taken);
      }
    }
    this.keptHostPorts ??= new Map(this.containerPorts().map((port) => [port, this.container.getMappedPort(port)]));
    await this.provision();
  }

  /**
   * Endpoint from this machine; the same for the life of the stack (a local engine), across
   * restarts, crashes and new containers. `variables` point it at a slice (see Slicing).
   */
  hostEndpoint(variables: Record<string, string> = {}): Endpoint {
    const host = publishedHost(this.container, this.placement.localEngine, this.publishAddress);
    const port = this.mappedPort(this.spec.port);
    return { host, port, url: this.spec.url(host, port, { ...this.placement.environment, ...variables }) };
  }

  /** Host port of any published container port of the service: the fault proxy's, for a port it fronts. */
  mappedPort(containerPort: number): number {
    return this.placement.frontPorts?.get(containerPort) ?? this.container.getMappedPort(containerPort);
  }

  /** Endpoint from a container on the stack network: the compose service name and container port. */
  networkEndpoint(variables: Record<string, string> = {}): Endpoint {
    const { name, port, url } = this.spec;
    return { host: name, port, url: url(name, port, { ...this.placement.environment, ...variables }) };
  }

  /** The variables an app expects of this service: in a container on the stack network, or on this machine. */
  appEnvironment(from: "network" | "host" = "network", variables: Record<string, string> = {}): Record<string, string> {
    const endpoint = from === "network" ? this.networkEndpoint(variables) : this.hostEndpoint(variables);
    return this.spec.appEnvironment?.(endpoint.url, { ...this.placement.environment, ...variables }) ?? {};
  }

  /** Where a client on this machine connects. */
  clientTarget(variables: Record<string, string> = {}): ClientTarget {
    return {
      ...this.hostEndpoint(variables),
      environment: { ...this.placement.environment, ...variables },
      mappedPort: (containerPort) => this.mappedPort(containerPort),
    };
  }

  /** The ID of the current container, if one is started. */
  get runningId(): string | undefined {
    return this.started?.getId();
  }

  containerId(): string {
    return this.container.getId();
  }

  /** Whether the container may stop now without having died: a restart, recreate or crash is under way. */
  get stoppingOnPurpose(): boolean {
    return this.purposefulStops > 0;
  }

  restart(): Promise<void> {
    return this.onPurpose(() => this.restartInPlace());
  }

  recreate(): Promise<void> {
    return this.onPurpose(async () => {
      await this.container.stop({ timeout: this.spec.stopTimeoutSeconds * 1000 });
      this.started = undefined;
      await this.start();
    });
  }

  /** Kills the container with SIGKILL, as an OOM kill or a power cut would, starts it again and waits for healthy. */
  crash(): Promise<void> {
    return this.onPurpose(async () => {
      await this.dockerContainer().kill({ signal: "SIGKILL" });
      await this.restartInPlace();
    });
  }

  /**
   * Where the server JVM runs without its class-data archive (none yet, or one that did not fit),
   * stops the container gracefully, so that the JVM writes the archive as it exits: once per image
   * on an engine. Else nothing: the stack's removal kills the containers, and a killed JVM writes
   * nothing.
   */
  async writeClassArchive(): Promise<void> {
    if (!this.archive || !this.started) return;
    const mapped = await this.exec(archiveMappedCommand(this.archive)).then((result) => result.exitCode === 0, () => true);
    if (mapped) return;
    await this.onPurpose(async () => {
      await this.container.stop({ timeout: this.spec.stopTimeoutSeconds * 1000, remove: false });
    });
  }

  /** Freezes every process of the container (the engine's pause); a paused one stays as it is. */
  async pause(): Promise<void> {
    if (!(await this.inspect()).State.Paused) await this.dockerContainer().pause();
  }

  /** Thaws a paused container; a running one stays as it is. */
  async resume(): Promise<void> {
    if ((await this.inspect()).State.Paused) await this.dockerContainer().unpause();
  }

  /** Whether the container is off the stack network (see disconnect). */
  async disconnected(): Promise<boolean> {
    return !(this.placement.network in ((await this.inspect()).NetworkSettings.Networks ?? {}));
  }

  /**
   * Takes the container off the stack network: its name stops resolving there, its host ports
   * refuse connections, open connections from the network go unanswered and those through the
   * host ports end. One already off stays off.
   */
  async disconnect(): Promise<void> {
    if (await this.disconnected()) return;
    await this.engine.container.dockerode.getNetwork(this.placement.network).disconnect({ Container: this.containerId() });
  }

  /** Puts the container back on the stack network under its alias; the engine publishes the same host ports again. */
  async reconnect(): Promise<void> {
    if (!(await this.disconnected())) return;
    await this.engine.container.dockerode.getNetwork(this.placement.network).connect({ Container: this.containerId(), EndpointConfig: { Aliases: [this.alias] } });
  }

  exec(command: string): Promise<ExecResult> {
    return this.container.exec(["sh", "-c", command]);
  }

  /** Resident memory of the container (RSS, without page cache), in bytes. */
  async memoryBytes(): Promise<number> {
    const memory = (await this.stats()).memory_stats;
    const counters = memory.stats as Partial<Record<"rss" | "anon", number>> | undefined;
    return counters?.rss ?? counters?.anon ?? memory.usage; // cgroup v1 rss, cgroup v2 anon
  }

  /** CPU time (user and system) the container has used since it started, in seconds. */
  async cpuSeconds(): Promise<number> {
    return (await this.stats()).cpu_stats.cpu_usage.total_usage / 1e9;
  }

  /** Docker's own health status of the container. */
  async healthStatus(): Promise<string | undefined> {
    return (await this.inspect()).State.Health?.Status;
  }

  /** Its name on the stack network: the service's, or where the fault proxy has that name, directAlias's. */
  private get alias(): string {
    return this.placement.proxied ? directAlias(this.spec.name) : this.spec.name;
  }

  private dockerContainer() {
    return this.engine.container.dockerode.getContainer(this.containerId());
  }

  private inspect() {
    return this.dockerContainer().inspect();
  }

  /** One reading of the container's counters (one-shot: without the second sample for rates). */
  private stats() {
    return this.dockerContainer().stats({ stream: false, "one-shot": true });
  }

  /** The address the ports are published on, undefined for every address. */
  private get publishAddress(): string | undefined {
    return publishAddressOn(this.placement.publishAddress, this.placement.localEngine);
  }

  private catalogPorts(): number[] {
    return [this.spec.port, ...(this.spec.extraPorts ?? [])];
  }

  private containerPorts(): number[] {
    return [...this.catalogPorts(), ...(this.imageOnlyPorts ?? [])];
  }

  /**
   * The host port of each container port: those the stack keeps once the first start has them;
   * before it, the fixed `hostPort` and, with a local engine, free ports of this machine (a
   * remote engine picks its own: 0).
   */
  private async hostPortsToPublish(): Promise<Map<number, number>> {
    if (this.keptHostPorts) return this.keptHostPorts;
    const { spec, placement } = this;
    const fixed = (port: number) => (port === spec.port ? placement.hostPort : undefined);
    const open = this.containerPorts().filter((port) => fixed(port) === undefined);
    const free = await hostPortsFor(placement.localEngine, this.publishAddress, open.length);
    return new Map(this.containerPorts().map((port) => [port, fixed(port) ?? free.shift()!]));
  }

  /**
   * The exit of a container that stopped before testcontainers saw its ports bound: testcontainers
   * then fails after 10 s with "Timed out after 10000ms while waiting for container ports to be
   * bound to the host" instead of our health wait naming the exit (CI met it once with a pgvector
   * that exits at once, POSTGRES_PASSWORD=""; a container whose entrypoint is `exit 3` shows it).
   */
  private async exitedInstead(error: unknown): Promise<HealthWaitFailure | undefined> {
    if (error instanceof HealthWaitFailure || error instanceof StackError) return undefined;
    const container = this.engine.container.dockerode.getContainer(containerName(this.placement.runId, this.spec.name));
    const state = await container.inspect().then((inspected) => inspected.State, () => undefined);
    if (!state || state.Running || state.Status !== "exited") return undefined;
    const oom = state.OOMKilled ? ", killed for going over its memory limit" : "";
    const exited = new HealthWaitFailure("exited", `exited with code ${state.ExitCode}${oom} before it became healthy`);
    exited.lastLogs = await lastLogLinesOf(container, logLinesOnFailure).catch(() => "");
    return exited;
  }

  /** Which of the host ports the engine could not bind, and who chose it, from its error ("Bind for 127.0.0.1:6379 failed: port is already allocated"). */
  private takenBinding(error: unknown, hostPorts: ReadonlyMap<number, number>): TakenPort | undefined {
    const message = error instanceof Error ? error.message : String(error);
    if (!/port is already allocated|address already in use/i.test(message)) return undefined;
    const named = Number(/:(\d+)(?: failed|: bind)/.exec(message)?.[1]);
    const [containerPort, hostPort] = [...hostPorts].find(([, host]) => host === named) ?? [this.spec.port, hostPorts.get(this.spec.port) ?? named];
    const by = this.keptHostPorts ? "stack" : containerPort === this.spec.port && this.placement.hostPort ? "option" : "harness";
    return { containerPort, hostPort, by };
  }

  private async onPurpose(work: () => Promise<void>): Promise<void> {
    this.purposefulStops++;
    try {
      await work();
    } finally {
      this.purposefulStops--;
    }
  }

  private async restartInPlace(): Promise<void> {
    try {
      await this.container.restart({ timeout: this.spec.stopTimeoutSeconds * 1000 });
    } catch (error) {
      this.started = undefined;
      throw startFailure(this.spec, this.placement, error, this.takenBinding(error, this.keptHostPorts ?? new Map()));
    }
    await this.provision();
  }

  /** Appends the container's output to <dir>/<runId>-<service>.log. */
  private keepLog(stream: Readable, dir: string): void {
    mkdirSync(dir, { recursive: true });
    stream.pipe(createWriteStream(join(dir, `${this.placement.runId}-${this.spec.name}.log`), { flags: "a" }));
  }

  /** Provisioning fills a cache volume that other stacks may be filling too: one at a time per machine. */
  private async provision(): Promise<void> {
    const { spec, placement } = this;
    const provisioning = spec.provisionScript;
    if (!provisioning) return;
    const provision = async () => {
      const result = await this.exec(provisionCommand(provisioning, placement.settings));
      if (result.exitCode === 0) return;
      throw new StackError({
        code: "provision-failed",
        service: spec.name,
        ...provisioning.failure(placement.settings, result.exitCode),
        details: stripVTControlCharacters(result.output).split(/\r|\n/).filter((line) => line.trim()).slice(-10).join("\n"),
      });
    };
    if (!spec.keepData) return provision();
    await withMachineLock(cacheVolumeName(spec.name), placement.startupTimeoutMs, provision);
  }

  /** The environment and mounts that give the server JVM its class-data archive (see classArchiveOf); none where it cannot have one. */
  private async classArchive(): Promise<{ environment: Record<string, string>; mounts: Array<typeof classArchiveMount> }> {
    const { spec, placement } = this;
    if (!this.archiveDecided) {
      this.archive = placement.classArchive && spec.jvm ? await classArchiveOf(this.engine, placement.image, spec.name, spec.jvm.java) : undefined;
      this.archiveDecided = true;
    }
    if (!this.archive) return { environment: placement.environment, mounts: [] };
    const variable = spec.jvm!.optionsVariable;
    const joined = [placement.environment[variable], this.archive.options].filter(Boolean).join(" ");
    return { environment: { ...placement.environment, [variable]: joined }, mounts: [classArchiveMount] };
  }

  private async definition(hostPorts: ReadonlyMap<number, number>): Promise<GenericContainer> {
    const { spec, placement } = this;
    const archive = await this.classArchive();
    const definition = new StackContainer(placement.image)
      .withName(containerName(placement.runId, spec.name))
      .withLabels({
        ...runLabels(placement.runId),
        [serviceLabel]: spec.name,
        ...(placement.reuseKey ? { [reuseLabel]: placement.reuseKey } : {}),
      })
      .withStackNetwork(placement.network, this.alias)
      .withPublishedPorts(this.publishAddress, hostPorts)
      .withEnvironment(archive.environment)
      .withResourcesQuota({ memory: spec.memoryMiB / 1024 })
      .withHealthCheck(dockerHealthCheck(spec))
      .withWaitStrategy(new HealthWait(this.engine, spec.healthcheck.intervalMs, placement.onWaiting))
      .withStartupTimeout(placement.startupTimeoutMs);
    // One call: withBindMounts replaces the list.
    definition.withBindMounts([
      ...(placement.volume && spec.dataDir ? [{ source: placement.volume, target: spec.dataDir }] : []),
      ...archive.mounts,
    ]);
    if (spec.command) definition.withCommand(spec.command);
    if (placement.reuseKey) definition.withReuse();
    return copyInto(definition, (await spec.files?.()) ?? []);
  }
}

