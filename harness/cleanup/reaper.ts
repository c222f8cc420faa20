import { spawn, type ChildProcess } from "node:child_process";
import { siblingModule } from "../common/package-paths.ts";

const reaperProcess = siblingModule(import.meta.url, "reaper-process");

/**
 * Starts a small detached process that removes the run's containers, network and volumes once
 * this process is gone, however it ended: Ctrl-C in a test runner that exits at once, or SIGKILL.
 */
export function startReaper(runId: string): ChildProcess {
  const reaper = spawn(process.execPath, [reaperProcess, String(process.pid), runId], {
    detached: true,
    stdio: "ignore",
  });
  reaper.unref();
  return reaper;
}
