import type { ChildProcess } from "node:child_process";
import type { ContainerRuntimeClient } from "testcontainers";
import { ownedByThisProcess, runLabels } from "../engine/resource-names.ts";
import { removeAbandonedRuns } from "./abandoned-runs.ts";
import { startReaper } from "./reaper.ts";
import { removeRun } from "./removal.ts";
import { startRyuk } from "./ryuk.ts";

/**
 * Who removes a run's containers, network and volumes: its boot when it fails, `stop()`, the
 * reaper process when this process dies first, Ryuk when enabled, and the next boot on this
 * machine when the reaper was killed too. A stack kept for reuse has none of these but the first.
 */
export class RunCleanup {
  readonly runId: string;
  private readonly engine: ContainerRuntimeClient;
  private readonly reaper: ChildProcess | undefined;

  private constructor(engine: ContainerRuntimeClient, runId: string, reaper: ChildProcess | undefined) {
    this.engine = engine;
    this.runId = runId;
    this.reaper = reaper;
  }

  /** A run that ends with this process: sweeps abandoned runs, starts Ryuk and the run's reaper. */
  static async forNewRun(engine: ContainerRuntimeClient, runId: string): Promise<RunCleanup> {
    await Promise.all([removeAbandonedRuns(engine), startRyuk(engine)]);
    return new RunCleanup(engine, runId, startReaper(runId));
  }

  /** A run kept for reuse, which outlives this process. */
  static forKeptRun(engine: ContainerRuntimeClient, runId: string): RunCleanup {
    return new RunCleanup(engine, runId, undefined);
  }

  /** Whether the run goes with this process. */
  get endsWithProcess(): boolean {
    return this.reaper !== undefined;
  }

  /** Labels of the run's network: a run that ends with this process is found by its owner once both are gone. */
  networkLabels(): Record<string, string> {
    return { ...runLabels(this.runId), ...(this.endsWithProcess ? ownedByThisProcess() : {}) };
  }

  /** Removes what the run created so far; the run may go on creating (an aborted boot). */
  async sweep(): Promise<void> {
    await removeRun(this.engine, this.runId);
  }

  /** Removes the run, and ends its reaper. */
  async remove(): Promise<void> {
    await this.sweep();
    this.reaper?.kill();
  }
}
