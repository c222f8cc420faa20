import { fileURLToPath } from "node:url";
import { stripVTControlCharacters } from "node:util";
import { expect } from "vitest";
import { startNode, type ChildRun } from "./child-process.ts";

const vitest = fileURLToPath(new URL("../../node_modules/vitest/vitest.mjs", import.meta.url));
const fixture = fileURLToPath(new URL("../../fixtures/preset-runs", import.meta.url));

export interface PresetRun extends ChildRun {
  /** Resolves with the run ID the test file prints once the preset's stack is up. */
  stackUp(): Promise<string>;
}

/** An app's own test run in another process: vitest with the preset on fixtures/preset-runs, one test file. */
export function startPresetRun(testFile: string): PresetRun {
  const run = startNode([vitest, "run", "--root", fixture, testFile]);
  const stackUp = async () => {
    await expect.poll(run.output, { timeout: 120_000, interval: 250 }).toMatch(/stack \w+ is up/);
    return /stack (\w+) is up/.exec(run.output())![1]!;
  };
  return { ...run, output: () => stripVTControlCharacters(run.output()), stackUp };
}
