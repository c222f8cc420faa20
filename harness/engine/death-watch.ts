import type { Socket } from "node:net";
import type { ContainerRuntimeClient } from "testcontainers";
import { StackError } from "../errors.ts";
import { lastLogLines, logDetails, logLinesOnFailure } from "./container-logs.ts";
import { runLabel } from "./resource-names.ts";
import type { ServiceContainer } from "./service-container.ts";

/**
 * Notices the services of a run that stop after the boot without being asked to, and keeps for
 * each an error with its exit code and last log lines until it is restarted.
 */
export class DeathWatch<Names extends string> {
  private readonly engine: ContainerRuntimeClient;
  private readonly runId: string;
  private readonly services: ReadonlyMap<Names, ServiceContainer>;
  private readonly deaths = new Map<Names, StackError>();
  private unwatch: () => void = () => {};
  private stopped = false;

  constructor(engine: ContainerRuntimeClient, runId: string, services: ReadonlyMap<Names, ServiceContainer>) {
    this.engine = engine;
    this.runId = runId;
    this.services = services;
  }

  /** Starts listening to the engine's events; the watch does not keep the process alive. */
  async start(): Promise<void> {
    const filters = { type: ["container" as const], event: ["die"], label: [`${runLabel}=${this.runId}`] };
    const events = (await this.engine.container.dockerode.getEvents({ filters })) as unknown as NodeJS.ReadableStream & { socket?: Socket; destroy(): void };
    events.on("error", () => {});
    events.socket?.unref();
    let partial = "";
    events.on("data", (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines.filter(Boolean)) void this.noticeExit((JSON.parse(line) as { id: string }).id);
    });
    this.unwatch = () => events.destroy();
  }

  /** Stops noticing: the stack is being removed. */
  stop(): void {
    this.stopped = true;
    this.unwatch();
  }

  deathOf(name: Names): StackError | undefined {
    return this.deaths.get(name);
  }

  /** Forgets a death: the service is being started again. */
  forget(name: Names): void {
    this.deaths.delete(name);
  }

  all(): StackError[] {
    return [...this.deaths.values()];
  }

  private async noticeExit(containerId: string): Promise<void> {
    const entry = [...this.services].find(([, service]) => service.runningId === containerId);
    if (!entry || this.stopped) return;
    const [name, service] = entry;
    if (service.stoppingOnPurpose) return;
    const { State: state } = await this.engine.container.dockerode.getContainer(containerId).inspect();
    if (state.Running || this.stopped) return;
    const oom = state.OOMKilled ? `, killed for going over its ${service.spec.memoryMiB} MiB memory limit` : "";
    const death = new StackError({
      code: "died",
      service: name,
      problem: `died after the boot (exit code ${state.ExitCode}${oom}).`,
      fix: oom
        ? "load less data into it in one test, or give it more memory (memoryMiB in its catalog entry); stack.restart() starts it again."
        : `read its last log lines below; stack.restart("${name}") starts it again.`,
      details: logDetails(name, await lastLogLines(this.engine, containerId, logLinesOnFailure)),
    });
    this.deaths.set(name, death);
    console.error(death.message);
  }
}
