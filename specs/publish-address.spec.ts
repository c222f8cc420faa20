import { createClient } from "redis";
import { describe, expect, it } from "vitest";
import { bootStack } from "../harness/index.ts";
import { connects, portBindings } from "./support/published-ports.ts";

// 127.0.0.2 is another loopback address of this machine: a port published on 127.0.0.1 alone
// refuses it, one published on every address accepts it.
const otherLoopback = "127.0.0.2";

describe("published ports", () => {
  it("listen on 127.0.0.1 alone by default: the endpoint names it, another address of the machine is refused", async () => {
    await using stack = await bootStack({ services: ["redis"] });
    const { host, port } = stack.hostEndpoint("redis");
    expect(host).toBe("127.0.0.1");
    expect(await portBindings(stack, "redis")).toEqual([`6379/tcp 127.0.0.1:${port}`]);
    expect(await connects("127.0.0.1", port)).toBe(true);
    expect(await connects(otherLoopback, port)).toBe(false);
  });

  it("listen on every address with publishAddress 0.0.0.0 (negative control)", async () => {
    await using stack = await bootStack({ services: ["redis"], publishAddress: "0.0.0.0" });
    const { port } = stack.hostEndpoint("redis");
    expect(await portBindings(stack, "redis")).toEqual([`6379/tcp 0.0.0.0:${port}`]);
    const client = createClient({ url: `redis://${otherLoopback}:${port}` });
    await client.connect();
    try {
      expect(await client.ping()).toBe("PONG");
    } finally {
      await client.close();
    }
  });

  it("follow STACK_HARNESS_PUBLISH_ADDRESS when the option is left out", async () => {
    process.env.STACK_HARNESS_PUBLISH_ADDRESS = "0.0.0.0";
    try {
      await using stack = await bootStack({ services: ["redis"] });
      expect(await portBindings(stack, "redis")).toEqual([`6379/tcp 0.0.0.0:${stack.hostEndpoint("redis").port}`]);
    } finally {
      delete process.env.STACK_HARNESS_PUBLISH_ADDRESS;
    }
  });
});
