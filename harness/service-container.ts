import { createWriteStream, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { stripVTControlCharacters } from "node:util";
import { GenericContainer, getContainerRuntimeClient, type ExecResult, type StartedTestContainer } from "testcontainers";
import { logDetails } from "./container-logs.ts";
import { copyInto } from "./copy-files.ts";
import { StackError } from "./errors.ts";
import { cacheVolumeName, reuseLabel, runLabels, serviceLabel } from "./labels.ts";
import { HealthWait, HealthWaitFailure } from "./health-wait.ts";
import { withMachineLock } from "./machine-lock.ts";
import { dockerHealthCheck, provisionCommand, type ServiceSpec } from "./service-spec.ts";
import type { StackSettings } from "./settings.ts";

export interface ServicePlacement {
  runId: string;
  network: string;
  volume: string | undefined;
  image: string;
  startupTimeoutMs: number;
  settings: StackSettings;
  /** The reuse key when the stack is kept for later runs; such a container is found again by it. */
  reuseKey: string | undefined;
  /** The service's environment with the boot's overrides. */
  environment: Record<string, string>;
  /** A fixed host port for the service's main port; a free one when undefined. */
  hostPort: number | undefined;
  /** Called once the container runs and its healthcheck is awaited. */
  onWaiting: () => void;
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
    try {
      const definition = await this.definition();
      if (process.env.STACK_HARNESS_LOG_DIR) definition.withLogConsumer((stream) => this.keepLog(stream, process.env.STACK_HARNESS_LOG_DIR!));
      this.started = await definition.start();
    } catch (error) {
      throw this.startFailure(error);
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
      throw this.startFailure(error);
    }
    await this.provision();
  }

  /** With STACK_HARNESS_LOG_DIR set, appends the container's output to <dir>/<runId>-<service>.log. */
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
        service: spec.name,
        ...provisioning.failure(placement.settings, result.exitCode),
        details: stripVTControlCharacters(result.output).split(/\r|\n/).filter((line) => line.trim()).slice(-10).join("\n"),
      });
    };
    if (!spec.keepData) return provision();
    await withMachineLock(cacheVolumeName(spec.name), placement.startupTimeoutMs, provision);
  }

  private async definition(): Promise<GenericContainer> {
    const { spec, placement } = this;
    const definition = new GenericContainer(placement.image)
      .withName(`stack-harness-${placement.runId}-${spec.name}`)
      .withLabels({
        ...runLabels(placement.runId),
        [serviceLabel]: spec.name,
        ...(placement.reuseKey ? { [reuseLabel]: placement.reuseKey } : {}),
      })
      .withNetworkMode(placement.network)
      .withNetworkAliases(spec.name)
      .withExposedPorts(placement.hostPort ? { container: spec.port, host: placement.hostPort } : spec.port, ...(spec.extraPorts ?? []))
      .withEnvironment(placement.environment)
      .withResourcesQuota({ memory: spec.memoryMiB / 1024 })
      .withHealthCheck(dockerHealthCheck(spec))
      .withWaitStrategy(new HealthWait(placement.onWaiting))
      .withStartupTimeout(placement.startupTimeoutMs);
    if (placement.volume && spec.dataDir) definition.withBindMounts([{ source: placement.volume, target: spec.dataDir }]);
    if (spec.command) definition.withCommand(spec.command);
    if (placement.reuseKey) definition.withReuse();
    return copyInto(definition, (await spec.files?.()) ?? []);
  }

  private startFailure(error: unknown): StackError {
    if (error instanceof StackError) return error;
    const { problem, fix } = this.explain(error);
    const lastLogs = error instanceof HealthWaitFailure ? error.lastLogs : "";
    return new StackError({
      service: this.spec.name,
      problem,
      fix,
      details: logDetails(this.spec.name, lastLogs),
      cause: error,
    });
  }

  private explain(error: unknown): { problem: string; fix: string } {
    const { spec, placement } = this;
    const message = error instanceof Error ? error.message : String(error);
    const checkSettings = `read the log lines below and check the image ${placement.image} and the settings given to "${spec.name}".`;
    if (error instanceof HealthWaitFailure) {
      if (error.reason === "timeout") {
        return {
          problem: `did not become healthy within ${placement.startupTimeoutMs / 1000} s (${message}).`,
          fix: `read the log lines below; if the service is only slow here, raise startupTimeoutMs for "${spec.name}".`,
        };
      }
      return { problem: `${message}.`, fix: checkSettings };
    }
    if (placement.hostPort && /port is already allocated|address already in use/i.test(message)) {
      return {
        problem: `host port ${placement.hostPort} is already taken, so the container cannot publish port ${spec.port} on it.`,
        fix: `stop what listens on port ${placement.hostPort}, or choose another port in hostPorts.${spec.name}, or leave it out for a free port.`,
      };
    }
    return { problem: `failed to start (${message}).`, fix: checkSettings };
  }
}
