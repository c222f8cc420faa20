import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bootStack } from "../harness/index.ts";

describe("logDir", () => {
  it("appends each container's output to <runId>-<service>.log", async () => {
    const logDir = await mkdtemp(join(tmpdir(), "stack-harness-logs-"));
    try {
      await using stack = await bootStack({ services: ["redis"], logDir });
      const log = join(logDir, `${stack.runId}-redis.log`);
      await expect.poll(() => readFile(log, "utf8"), { timeout: 10_000 }).toMatch(/Ready to accept connections/);
      expect(await readdir(logDir)).toEqual([`${stack.runId}-redis.log`]);
    } finally {
      await rm(logDir, { recursive: true, force: true });
    }
  });

  it("keeps no logs when neither the option nor STACK_HARNESS_LOG_DIR asks for them (negative control)", async () => {
    const logDir = await mkdtemp(join(tmpdir(), "stack-harness-logs-"));
    const previous = process.env.STACK_HARNESS_LOG_DIR;
    delete process.env.STACK_HARNESS_LOG_DIR;
    try {
      await using stack = await bootStack({ services: ["redis"] });
      expect(await (await stack.client("redis")).ping()).toBe("PONG");
      expect(await readdir(logDir)).toEqual([]);
    } finally {
      if (previous !== undefined) process.env.STACK_HARNESS_LOG_DIR = previous;
      await rm(logDir, { recursive: true, force: true });
    }
  });
});
