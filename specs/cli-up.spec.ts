import type { ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { startNode, type ChildRun } from "./support/child-process.ts";
import { leftovers } from "./support/leftovers.ts";

const cli = fileURLToPath(new URL("../harness/cli.ts", import.meta.url));

const running: ChildProcess[] = [];

function startUp(...services: string[]): ChildRun {
  const run = startNode([cli, "up", ...services]);
  running.push(run.child);
  return run;
}

describe("stack-harness up", () => {
  afterEach(async () => {
    for (const child of running.splice(0)) {
      if (child.exitCode !== null) continue;
      const exited = new Promise((resolve) => child.on("exit", resolve));
      child.kill("SIGINT");
      await exited;
    }
  });

  it("prints host and in-network endpoints, stays up, and removes everything on Ctrl-C", async () => {
    const up = startUp("redis");
    await expect.poll(up.output, { timeout: 60_000, interval: 250 }).toContain("Press Ctrl-C");
    expect(up.output()).toMatch(/\nredis +redis:\/\/[\w.-]+:\d+ +redis:\/\/redis:6379/);
    expect(up.output()).toMatch(/redis +starting\n.*redis +waiting for health\n.*redis +healthy/);
    expect(await leftovers()).not.toEqual([]);

    up.child.kill("SIGINT");
    expect(await up.exited).toBe(0);
    expect(up.output()).toContain("Removed the containers, the network and the volumes.");
    expect(await leftovers()).toEqual([]);
  });

  it("removes what it started when Ctrl-C comes during the boot", async () => {
    const up = startUp("pgvector");
    await expect.poll(up.output, { timeout: 60_000, interval: 100 }).toMatch(/pgvector +starting/);
    up.child.kill("SIGINT");
    expect(await up.exited).toBe(1);
    expect(up.output()).toContain("the boot was interrupted");
    expect(await leftovers()).toEqual([]);
  });
});
