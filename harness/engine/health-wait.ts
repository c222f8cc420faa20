import type { ContainerRuntimeClient, WaitStrategy } from "testcontainers";
import { lastLogLinesOf, logLinesOnFailure } from "./container-logs.ts";
import { isPodman } from "./engine-kind.ts";
import { runPodmanHealthchecks } from "./podman-healthchecks.ts";

type Container = Parameters<WaitStrategy["waitUntilReady"]>[0];
type State = Awaited<ReturnType<Container["inspect"]>>["State"];

/** Why a container did not become healthy, with what it printed last (testcontainers removes it next). */
export class HealthWaitFailure extends Error {
  readonly reason: "exited" | "unhealthy" | "timeout";
  lastLogs = "";

  constructor(reason: HealthWaitFailure["reason"], message: string) {
    super(message);
    this.name = "HealthWaitFailure";
    this.reason = reason;
  }
}

/** Inspects again at this pace even if the engine's events are late. */
const fallbackPollMs = 2_000;

/**
 * Waits for the container's Docker healthcheck to report healthy, and fails at once when the
 * container exits or turns unhealthy instead of waiting out the timeout. It listens to the
 * engine's events rather than polling, which would cost the engine CPU while every service boots.
 * On Podman it also has the checks run, for the container's life (see runPodmanHealthchecks).
 */
export class HealthWait implements WaitStrategy {
  private startupTimeoutMs = 60_000;
  private timeoutSet = false;
  private readonly engine: ContainerRuntimeClient;
  private readonly onWaiting: () => void;
  private readonly checkIntervalMs: number;
  /** The container whose checks the harness runs (Podman), and how to stop them. */
  private checksRun: { containerId: string; stop: () => void } | undefined;

  constructor(engine: ContainerRuntimeClient, checkIntervalMs: number, onWaiting: () => void) {
    this.engine = engine;
    this.checkIntervalMs = checkIntervalMs;
    this.onWaiting = onWaiting;
  }

  async waitUntilReady(container: Container): Promise<void> {
    this.onWaiting();
    await this.runChecksOnPodman(container.id);
    const deadline = Date.now() + this.startupTimeoutMs;
    const stream = (await this.engine.container.events(container, ["health_status", "die"])) as NodeJS.ReadableStream & { destroy(): void };
    stream.on("error", () => {});
    let wake: () => void = () => {};
    stream.on("data", () => wake());
    try {
      for (;;) {
        const { State: state } = await container.inspect();
        if (state.Health?.Status === "healthy" && state.Running) return;
        if (!state.Running) {
          const oom = state.OOMKilled ? ", killed for going over its memory limit" : "";
          throw new HealthWaitFailure("exited", `exited with code ${state.ExitCode}${oom} before it became healthy`);
        }
        if (state.Health?.Status === "unhealthy") {
          throw new HealthWaitFailure("unhealthy", `its healthcheck failed every retry (${lastCheck(state)})`);
        }
        const left = deadline - Date.now();
        if (left <= 0) {
          throw new HealthWaitFailure("timeout", `its healthcheck had not passed after ${this.startupTimeoutMs} ms; ${lastCheck(state)}`);
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(left, fallbackPollMs));
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    } catch (error) {
      if (error instanceof HealthWaitFailure) error.lastLogs = await lastLogLinesOf(container, logLinesOnFailure).catch(() => "");
      throw error;
    } finally {
      stream.destroy();
    }
  }

  private async runChecksOnPodman(containerId: string): Promise<void> {
    if (this.checksRun?.containerId === containerId || !(await isPodman(this.engine))) return;
    this.checksRun?.stop();
    this.checksRun = { containerId, stop: runPodmanHealthchecks(this.engine, containerId, this.checkIntervalMs) };
  }

  withStartupTimeout(startupTimeoutMs: number): this {
    this.startupTimeoutMs = startupTimeoutMs;
    this.timeoutSet = true;
    return this;
  }

  isStartupTimeoutSet(): boolean {
    return this.timeoutSet;
  }

  getStartupTimeout(): number {
    return this.startupTimeoutMs;
  }
}

function lastCheck(state: State): string {
  const last = state.Health?.Log?.at(-1);
  if (!last) return "no check has run yet";
  const output = last.Output.trim().split("\n").slice(-3).join(" | ");
  return `last check: exit code ${last.ExitCode}${output ? `, "${output}"` : ""}`;
}
