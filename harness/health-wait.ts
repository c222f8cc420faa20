import type { WaitStrategy } from "testcontainers";

type Container = Parameters<WaitStrategy["waitUntilReady"]>[0];

/** Why a container did not become healthy. */
export class HealthWaitFailure extends Error {
  readonly reason: "exited" | "unhealthy" | "timeout";

  constructor(reason: HealthWaitFailure["reason"], message: string) {
    super(message);
    this.name = "HealthWaitFailure";
    this.reason = reason;
  }
}

const pollMs = 100;

type State = Awaited<ReturnType<Container["inspect"]>>["State"];

function lastCheck(state: State): string {
  const last = state.Health?.Log?.at(-1);
  if (!last) return "no check has run yet";
  const output = last.Output.trim().split("\n").slice(-3).join(" | ");
  return `last check: exit code ${last.ExitCode}${output ? `, "${output}"` : ""}`;
}

/**
 * Waits for the container's Docker healthcheck to report healthy, and fails at once when the
 * container exits or turns unhealthy instead of waiting out the timeout.
 */
export class HealthWait implements WaitStrategy {
  private startupTimeoutMs = 60_000;
  private timeoutSet = false;
  private readonly onWaiting: () => void;

  constructor(onWaiting: () => void) {
    this.onWaiting = onWaiting;
  }

  async waitUntilReady(container: Container): Promise<void> {
    this.onWaiting();
    const deadline = Date.now() + this.startupTimeoutMs;
    for (;;) {
      const { State: state } = await container.inspect();
      const health = state.Health?.Status;
      if (health === "healthy" && state.Running) return;
      if (!state.Running) {
        const oom = state.OOMKilled ? ", killed for going over its memory limit" : "";
        throw new HealthWaitFailure("exited", `exited with code ${state.ExitCode}${oom} before it became healthy`);
      }
      if (health === "unhealthy") {
        throw new HealthWaitFailure("unhealthy", `its healthcheck failed every retry (${lastCheck(state)})`);
      }
      if (Date.now() > deadline) {
        throw new HealthWaitFailure("timeout", `its healthcheck had not passed after ${this.startupTimeoutMs} ms; ${lastCheck(state)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
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
