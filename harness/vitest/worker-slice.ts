import { StackError } from "../errors.ts";
import type { SliceDescription } from "./description.ts";

let current: SliceDescription | undefined;

/** Set by the preset's slice setup before each test file. */
export function setWorkerSlice(slice: SliceDescription): void {
  current = slice;
}

/**
 * This worker's slice of the stack: its endpoints and app variables (already in process.env),
 * emptied before each test file (or each test, with `slices: "test"`).
 * @example const { hostEnvironment } = stackSlice(); new pg.Client(hostEnvironment.DATABASE_URL)
 */
export function stackSlice(): SliceDescription {
  if (!current) {
    throw new StackError({
      code: "no-slice",
      problem: "this test runs without a slice of the stack.",
      fix: 'use the preset (test: { ...stackHarness() }) and leave its `slices` option on ("file" or "test").',
    });
  }
  return current;
}
