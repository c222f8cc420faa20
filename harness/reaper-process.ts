// Entry of the process started by startReaper(): `reaper-process <pid> <runId>`.
const [watchedPid, runId] = process.argv.slice(2);
const pollMs = 500;

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
  await removeRun(await connectEngine(), runId!);
}

removeWhenGone().then(
  () => process.exit(0),
  () => process.exit(1),
);
