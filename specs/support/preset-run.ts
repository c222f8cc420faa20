import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { stripVTControlCharacters } from "node:util";
import { expect } from "vitest";

const vitest = fileURLToPath(new URL("../../node_modules/vitest/vitest.mjs", import.meta.url));
const fixture = fileURLToPath(new URL("../../fixtures/preset-runs", import.meta.url));

export interface PresetRun {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
  /** Resolves with the run ID the test file prints once the preset's stack is up. */
  stackUp(): Promise<string>;
}

/** An app's own test run in another process: vitest with the preset on fixtures/preset-runs, one test file. */
export function startPresetRun(testFile: string): PresetRun {
  const child = spawn(process.execPath, [vitest, "run", "--root", fixture, testFile], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const stackUp = async () => {
    await expect.poll(() => output, { timeout: 120_000, interval: 250 }).toMatch(/stack \w+ is up/);
    return /stack (\w+) is up/.exec(output)![1]!;
  };
  return { child, output: () => stripVTControlCharacters(output), exited, stackUp };
}
