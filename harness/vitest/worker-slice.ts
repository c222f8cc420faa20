import type { ServiceName } from "../catalog/catalog.ts";
import { StackError } from "../errors.ts";
import type { stackControl } from "./control.ts";
import type { SliceDescription } from "./description.ts";

let current: { slice: SliceDescription; control: ReturnType<typeof stackControl>; releases: Array<() => Promise<void>> } | undefined;

/** Set by the preset's slice setup before each test file. */
export function setWorkerSlice(slice: SliceDescription, control: ReturnType<typeof stackControl>): void {
  current = { slice, control, releases: current?.releases ?? [] };
}

/** Releases what the test file leased; the preset's slice setup calls it after each file. */
export async function releaseLeases(): Promise<void> {
  const releases = current?.releases.splice(0) ?? [];
  await Promise.all(releases.map((release) => release()));
}

/**
 * This worker's slice of the stack: its endpoints and app variables (already in process.env),
 * reset to the seeds before each test file (or each test, with `slices: "test"`).
 * @example const { hostEnvironment } = stackSlice(); new pg.Client(hostEnvironment.DATABASE_URL)
 */
export function stackSlice(): SliceDescription {
  return workerSlice().slice;
}

/**
 * Resets this worker's slice to the seeds now, in every service or in one (the preset does it
 * before each file, or each test with `slices: "test"`).
 * @example await stackReset("redis")
 */
export async function stackReset(service?: ServiceName): Promise<void> {
  const { slice, control } = workerSlice();
  await control.reset(slice.name, service);
}

/**
 * Keeps what this worker's slice holds as `name`; stackRestore(name) brings it back exactly.
 * @example beforeAll(async () => { await importFixtures(); await stackSnapshot("imported"); });
 */
export async function stackSnapshot(name: string): Promise<void> {
  const { slice, control } = workerSlice();
  await control.snapshot(slice.name, name);
}

/** Makes this worker's slice hold exactly what it held at stackSnapshot(name). */
export async function stackRestore(name: string): Promise<void> {
  const { slice, control } = workerSlice();
  await control.restore(slice.name, name);
}

/**
 * Leases a service with one part only (Neo4j) to this worker's slice for the rest of the test
 * file: waits until no other file holds it, and resets it to the seed. The preset releases it after the file
 * (or call the release it resolves with, to let other files have it sooner).
 * @example beforeAll(() => stackLease("neo4j"));
 */
export async function stackLease(service: ServiceName): Promise<() => Promise<void>> {
  const { slice, control, releases } = workerSlice();
  const release = await control.lease(slice.name, service);
  releases.push(release);
  return release;
}

function workerSlice(): NonNullable<typeof current> {
  if (!current) {
    throw new StackError({
      code: "no-slice",
      problem: "this test runs without a slice of the stack.",
      fix: 'use the preset (test: { ...stackHarness() }) and leave its `slices` option on ("file" or "test").',
    });
  }
  return current;
}
