import { describe, expect, it } from "vitest";
import { StackError } from "../harness/errors.ts";
import { bootStack } from "../harness/index.ts";
import { leftovers } from "./support/leftovers.ts";
import { startPresetRun } from "./support/preset-run.ts";

const redisExitLine = /ready to exit/;

describe("a service that dies after the boot", () => {
  it("is named with its exit code and last log lines, instead of a client timeout", async () => {
    await using stack = await bootStack({ services: ["redis"] });
    await stack.exec("redis", "redis-cli shutdown nosave");
    await expect.poll(() => stack.deaths().length, { timeout: 10_000 }).toBe(1);

    const [death] = stack.deaths();
    expect(death).toBeInstanceOf(StackError);
    expect(death!.code).toBe("died");
    expect(death!.message).toMatch(/redis: died after the boot \(exit code 0\)/);
    expect(death!.message).toMatch(redisExitLine);
    await expect(stack.client("redis")).rejects.toThrow(/redis: died after the boot/);
    expect(() => stack.hostEndpoint("redis")).toThrow(/redis: died after the boot/);

    await stack.restart("redis");
    expect(stack.deaths()).toEqual([]);
    const redis = await stack.client("redis");
    expect(await redis.ping()).toBe("PONG");
  });

  it("is not confused with a crash, restart or recreate the test asked for", async () => {
    await using stack = await bootStack({ services: ["redis"] });
    await stack.crash("redis");
    await stack.restart("redis");
    await stack.recreate("redis");
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(stack.deaths()).toEqual([]);
    expect(await (await stack.client("redis")).ping()).toBe("PONG");
  });

  it("fails the preset's test during which it died, with its logs", async () => {
    const run = startPresetRun("service-dies");
    const runId = await run.stackUp();
    expect(await run.exited, run.output()).toBe(1);
    expect(run.output()).toMatch(/redis: died after the boot \(exit code 0\)/);
    expect(run.output()).toMatch(redisExitLine);
    expect(run.output()).toMatch(/Tests +1 failed/);
    await expect.poll(() => leftovers(runId), { timeout: 60_000, interval: 500 }).toEqual([]);
  });
});
