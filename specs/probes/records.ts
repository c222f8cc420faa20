import { expect } from "vitest";
import type { Stack } from "../../harness/stack.ts";
import type { PersistenceCheck } from "./probe.ts";

export const acknowledgedRecords = 1_000;

/** The payload of record `id`, so that a read-back checks content as well as presence. */
export function payload(id: number): string {
  return `record ${id}`;
}

/**
 * Persistence as counted records: `write` stores ids 0..count-1, each acknowledged; `countIntact`
 * reads every one back and counts those whose payload is right.
 */
export function recordsSurvive(
  write: (stack: Stack, count: number) => Promise<void>,
  countIntact: (stack: Stack, count: number) => Promise<number>,
  count = acknowledgedRecords,
): PersistenceCheck {
  return {
    what: `${count} acknowledged writes`,
    before: (stack) => write(stack, count),
    after: async (stack) => expect(await countIntact(stack, count)).toBe(count),
  };
}
