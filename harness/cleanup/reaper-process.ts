// Entry of the process started by startReaper(): `reaper-process <pid> <runId>`.
import { processAlive } from "../common/process-alive.ts";

const [watchedPid, runId] = process.argv.slice(2);
const pollMs = 500;
const secondSweepMs = 2_000;

async function removeWhenGone(): Promise<void> {
  while (processAlive(Number(watchedPid))) await new Promise((resolve) => setTimeout(resolve, pollMs));
  const { connectEngine } = await import("../engine/connect.ts");
  const { removeRun } = await import("./removal.ts");
  const engine = await connectEngine();
  await removeRun(engine, runId!);
  // A request the process sent just before it died may still create something: sweep once more.
  await new Promise((resolve) => setTimeout(resolve, secondSweepMs));
  await removeRun(engine, runId!);
}

removeWhenGone().then(
  () => process.exit(0),
  () => process.exit(1),
);
