// Entry of the process started by startReaper(): `reaper-process <pid> <runId>`.
const [watchedPid, runId] = process.argv.slice(2);
const pollMs = 500;
const secondSweepMs = 2_000;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== "ESRCH";
  }
}

async function removeWhenGone(): Promise<void> {
  while (alive(Number(watchedPid))) await new Promise((resolve) => setTimeout(resolve, pollMs));
  const { connectEngine } = await import("./engine.ts");
  const { removeRun } = await import("./cleanup.ts");
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
