import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { leftovers } from "./support/leftovers.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const fixture = fileURLToPath(new URL("../fixtures/preset-interrupt", import.meta.url));

describe("the vitest preset", () => {
  it("removes the stack when the test run is interrupted with Ctrl-C", async () => {
    const vitest = spawn(process.execPath, [`${root}node_modules/vitest/vitest.mjs`, "run", "--root", fixture], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    vitest.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    vitest.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => vitest.on("exit", (code) => resolve(code)));

    await expect.poll(() => output, { timeout: 120_000, interval: 250 }).toMatch(/stack \w+ is up/);
    const runId = /stack (\w+) is up/.exec(output)![1]!;
    expect(await leftovers(runId)).not.toEqual([]);

    const interrupted = Date.now();
    vitest.kill("SIGINT");
    expect(await exited, output).not.toBe(0);
    await expect.poll(() => leftovers(runId), { timeout: 60_000, interval: 500 }).toEqual([]);
    console.log(`preset: ${Date.now() - interrupted} ms from Ctrl-C to nothing left of run ${runId}`);
  });
});
