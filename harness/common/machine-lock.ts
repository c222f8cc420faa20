import { mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StackError } from "../errors.ts";
import { processAlive } from "./process-alive.ts";

const lockPollMs = 250;

/**
 * Runs `work` while holding a lock shared by every process on this machine, e.g. so that two test
 * runs asking for the same reused stack boot it once. A lock whose holder died is taken over.
 */
export async function withMachineLock<T>(name: string, timeoutMs: number, work: () => Promise<T>): Promise<T> {
  const lock = join(tmpdir(), `${name}.lock`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await mkdir(lock);
      await writeFile(join(lock, "pid"), String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      if (await holderDied(lock)) {
        await rm(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new StackError({
          code: "lock-timeout",
          problem: `another process has held the lock ${lock} for ${timeoutMs / 1000} s.`,
          fix: `wait for the other test run to finish, or remove ${lock} if no other run is going.`,
        });
      }
      await new Promise((resolve) => setTimeout(resolve, lockPollMs));
    }
  }
  try {
    return await work();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

async function holderDied(lock: string): Promise<boolean> {
  const pid = Number(await readFile(join(lock, "pid"), "utf8").catch(() => ""));
  if (!pid) {
    // Created a moment ago and its pid not written yet, or left by a holder killed in between.
    const created = await stat(lock).then((info) => info.mtimeMs, () => 0);
    return Date.now() - created > 5_000;
  }
  return !processAlive(pid);
}
