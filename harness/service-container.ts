import { createWriteStream, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { GenericContainer, Wait, getContainerRuntimeClient, type ExecResult, type StartedTestContainer } from "testcontainers";
import { copyInto } from "./copy-files.ts";
import { StackError } from "./errors.ts";
import { reuseLabel, runLabels, serviceLabel } from "./labels.ts";
import { LogTail } from "./log-tail.ts";
import type { ServiceSpec } from "./service-spec.ts";
import type { StackSettings } from "./settings.ts";

const logLinesOnFailure = 50;

export interface ServicePlacement {
  runId: string;
  network: string;
  volume: string | undefined;
  image: string;
  startupTimeoutMs: number;
  settings: StackSettings;
  /** The reuse key when the stack is kept for later runs; such a container is found again by it. */
  reuseKey: string | undefined;
  /** Called once the container runs and its healthcheck is awaited. */
  onWaiting: () => void;
}

/** A container definition that says when it has started and waits for its healthcheck. */
class ReportingContainer extends GenericContainer {
  onWaiting: () => void = () => {};

  protected override async containerStarting(): Promise<void> {
    this.onWaiting();
  }
}

/** One service's container: started, restarted in place, or recreated on its named volume. */
export class ServiceContainer {
  readonly spec: ServiceSpec;
  readonly placement: ServicePlacement;
  private started: StartedTestContainer | undefined;
  private purposefulStops = 0;

  constructor(spec: ServiceSpec, placement: ServicePlacement) {
    this.spec = spec;
    this.placement = placement;
  }

  get container(): StartedTestContainer {
    if (!this.started) {
      throw new StackError({
        service: this.spec.name,
        problem: "its container is not running.",
        fix: "boot the stack first, or wait for a pending recreate to finish.",
      });
    }
    return this.started;
  }

  async start(): Promise<void> {
    const logs = new LogTail(logLinesOnFailure);
    try {
      const definition = await this.definition();
      this.started = await definition
        .withLogConsumer((stream) => {
          logs.follow(stream);
          this.keepLog(stream);
        })
        .start();
    } catch (error) {
      throw this.startFailure(error, logs.text());
    }
    await this.provision();
  }

  /** The ID of the current container, if one is started. */
  get runningId(): string | undefined {
    return this.started?.getId();
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
      const engine = await getContainerRuntimeClient();
      await engine.container.dockerode.getContainer(this.container.getId()).kill({ signal: "SIGKILL" });
      await this.restartInPlace();
    });
  }

  exec(command: string): Promise<ExecResult> {
    return this.container.exec(["sh", "-c", command]);
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
      throw this.startFailure(error, "(the container was removed after the failed restart)");
    }
    await this.provision();
  }

  /** With STACK_HARNESS_LOG_DIR set, appends the container's output to <dir>/<runId>-<service>.log. */
  private keepLog(stream: Readable): void {
    const dir = process.env.STACK_HARNESS_LOG_DIR;
    if (!dir) return;
    mkdirSync(dir, { recursive: true });
    stream.pipe(createWriteStream(join(dir, `${this.placement.runId}-${this.spec.name}.log`), { flags: "a" }));
  }

  private async provision(): Promise<void> {
    await this.spec.provision?.({ exec: (command) => this.exec(command), settings: this.placement.settings });
  }

  private async definition(): Promise<GenericContainer> {
    const { spec, placement } = this;
    const definition = new ReportingContainer(placement.image);
    definition.onWaiting = placement.onWaiting;
    definition
      .withName(`stack-harness-${placement.runId}-${spec.name}`)
      .withLabels({
        ...runLabels(placement.runId),
        [serviceLabel]: spec.name,
        ...(placement.reuseKey ? { [reuseLabel]: placement.reuseKey } : {}),
      })
      .withNetworkMode(placement.network)
      .withNetworkAliases(spec.name)
      .withExposedPorts(spec.port, ...(spec.extraPorts ?? []))
      .withEnvironment(spec.environment)
      .withResourcesQuota({ memory: spec.memoryMiB / 1024 })
      .withHealthCheck({
        test: ["CMD-SHELL", spec.healthcheck.command("127.0.0.1")],
        interval: spec.healthcheck.intervalMs,
        timeout: spec.healthcheck.timeoutMs,
        retries: spec.healthcheck.retries,
        startPeriod: spec.healthcheck.startPeriodMs,
      })
      .withWaitStrategy(Wait.forHealthCheck())
      .withStartupTimeout(placement.startupTimeoutMs);
    if (placement.volume && spec.dataDir) definition.withBindMounts([{ source: placement.volume, target: spec.dataDir }]);
    if (spec.command) definition.withCommand(spec.command);
    if (placement.reuseKey) definition.withReuse();
    return copyInto(definition, (await spec.files?.()) ?? []);
  }

  private startFailure(error: unknown, lastLogs: string): StackError {
    const message = error instanceof Error ? error.message : String(error);
    const timedOut = /timed? ?out|not healthy after|unhealthy/i.test(message);
    const seconds = this.placement.startupTimeoutMs / 1000;
    return new StackError({
      service: this.spec.name,
      problem: timedOut
        ? `did not become healthy within ${seconds} s (${message}).`
        : `failed to start (${message}).`,
      fix: timedOut
        ? `read the log lines below; if the service is only slow here, raise startupTimeoutMs for "${this.spec.name}".`
        : `read the log lines below and check the image ${this.placement.image} and its settings.`,
      details: `Last ${logLinesOnFailure} log lines of ${this.spec.name}:\n${lastLogs || "(none)"}`,
      cause: error,
    });
  }
}
