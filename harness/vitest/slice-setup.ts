// A setupFile of the vitest preset: before each test file (and each test, with slices: "test") the
// worker's slice of the stack is reset to the seeds, and the app variables in process.env point at it, so
// that an app module reading DATABASE_URL or REDIS_URL at import meets its worker's slice; with
// slices: "off" they point at the stack's own data.
import { afterAll, beforeEach, inject } from "vitest";
import { stackControl } from "./control.ts";
import { releaseLeases, setWorkerSlice } from "./worker-slice.ts";

const { slices = "file" } = inject("stackHarnessOptions") ?? {};
const stack = inject("stack");

if (slices === "off") {
  Object.assign(process.env, stack.hostEnvironment);
} else {
  const control = stackControl(stack);
  // VITEST_POOL_ID numbers the workers 1..maxWorkers, each running one file at a time.
  const name = `w${process.env.VITEST_POOL_ID ?? process.env.VITEST_WORKER_ID ?? "1"}`;
  const open = async () => {
    const slice = await control.slice(name);
    Object.assign(process.env, slice.hostEnvironment);
    setWorkerSlice(slice, control);
  };
  await open();
  if (slices === "test") beforeEach(open);
  afterAll(releaseLeases);
}
