import { expect } from "vitest";
import type { Stack } from "../../harness/stack.ts";
import type { PersistenceCheck } from "./probe.ts";

export const acknowledgedRecords = 1_000;

/** The payload of record `id`, so that a read-back checks content as well as presence. */
export function payload(id: number): string {
  return `record ${id}`;
}

/** A service's records, written by ids 0..count-1 (each acknowledged) and counted back intact. */
export interface RecordStore {
  write(stack: Stack, count: number): Promise<void>;
  /** Reads every record back and counts those whose payload is right. */
  countIntact(stack: Stack, count: number): Promise<number>;
}

/** Persistence as counted records: every acknowledged record is read back intact. */
export function recordsSurvive(records: RecordStore, count = acknowledgedRecords): PersistenceCheck {
  return {
    what: `${count} acknowledged writes`,
    before: (stack) => records.write(stack, count),
    after: async (stack) => expect(await records.countIntact(stack, count)).toBe(count),
  };
}
