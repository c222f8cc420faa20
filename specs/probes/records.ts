import { expect } from "vitest";
import type { PersistenceCheck, RecordStore } from "./probe.ts";

export const acknowledgedRecords = 1_000;

/** The payload of record `id`, so that a read-back checks content as well as presence. */
export function payload(id: number): string {
  return `record ${id}`;
}

/** Persistence as counted records: every acknowledged record is read back intact. */
export function recordsSurvive(records: RecordStore, count = acknowledgedRecords): PersistenceCheck {
  return {
    what: `${count} acknowledged writes`,
    before: (stack) => records.write(stack, count),
    after: async (stack) => expect(await records.countIntact(stack, count)).toBe(count),
  };
}
