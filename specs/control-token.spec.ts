import type { Server } from "node:http";
import { getContainerRuntimeClient } from "testcontainers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveControl } from "../harness/vitest/control-server.ts";
import { stackControl } from "../harness/vitest/control.ts";
import type { StackDescription } from "../harness/vitest/description.ts";
import { useStack } from "./support/stack-under-test.ts";

const stack = useStack(["redis"]);
let server: Server | undefined;
let description: StackDescription;

beforeAll(async () => {
  const control = await serveControl(stack());
  server = control.server;
  description = control.describe();
});
afterAll(() => {
  server?.close();
});

/** When the Redis container last started: a crash, restart or recreate changes it. */
async function redisStartedAt(): Promise<string> {
  const docker = (await getContainerRuntimeClient()).container.dockerode;
  return (await docker.getContainer(stack().containerId("redis")).inspect()).State.StartedAt;
}

describe("the preset's control endpoint", () => {
  it.each<[string, Record<string, string>]>([
    ["no token", {}],
    ["a wrong token", { authorization: `Bearer ${"0".repeat(64)}` }],
    ["the token without its scheme", { authorization: "TOKEN" }],
  ])("refuses a request with %s: 403, and the service untouched", async (_, headers) => {
    const before = await redisStartedAt();
    const containerId = stack().containerId("redis");
    headers = Object.fromEntries(Object.entries(headers).map(([key, value]) => [key, value.replace("TOKEN", description.controlToken)]));
    for (const action of ["crash", "restart", "recreate", "pause", "disconnect"]) {
      const response = await fetch(`${description.control}/${action}/redis`, { method: "POST", headers });
      expect(response.status).toBe(403);
      expect(((await response.json()) as { error: string }).error).toMatch(/only from the test run that booted the stack/);
    }
    expect((await fetch(`${description.control}/deaths`, { headers })).status).toBe(403);
    expect(stack().containerId("redis")).toBe(containerId);
    expect(await redisStartedAt()).toBe(before);
    expect(await (await stack().client("redis")).ping()).toBe("PONG");
  });

  it("takes the same request from the run's own control, which carries the token (negative control)", async () => {
    const before = await redisStartedAt();
    await stackControl(description).restart("redis");
    expect(await redisStartedAt()).not.toBe(before);
    expect(description.controlToken).toMatch(/^[0-9a-f]{64}$/);
  });
});
