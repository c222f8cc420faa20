import { getContainerRuntimeClient } from "testcontainers";
import { beforeAll, describe, expect, it } from "vitest";
import { elapsedMs } from "./support/settling.ts";
import { useStack } from "./support/stack-under-test.ts";

// testcontainers guesses the host of published ports: the bridge's gateway wherever /.dockerenv
// exists (172.17.0.1 in CI, where the loopback-published ports refuse it). The override stands for
// any such guess: 127.0.0.2 is another loopback address, which ports published on 127.0.0.1 refuse.
const guessedHost = "127.0.0.2";
process.env.TESTCONTAINERS_HOST_OVERRIDE = guessedHost;

const stack = useStack(["redis"], { faultProxy: ["redis"] });

beforeAll(async () => {
  // The premise: testcontainers itself would send clients to the guessed host.
  expect((await getContainerRuntimeClient()).info.containerRuntime.host).toBe(guessedHost);
});

describe("a stack where testcontainers guesses another host for published ports", () => {
  it("gives endpoints on the address the ports are published on", async () => {
    expect(stack().hostEndpoint("redis").host).toBe("127.0.0.1");
    expect(await (await stack().client("redis")).ping()).toBe("PONG");
  });

  it("reaches the fault proxy's API there too: a fault is added and removed", async () => {
    const client = await stack().client("redis");
    const fault = await stack().fault("redis", { kind: "latency", ms: 300 });
    expect(await elapsedMs(() => client.ping())).toBeGreaterThanOrEqual(240);
    await fault.remove();
    expect(await elapsedMs(() => client.ping())).toBeLessThan(60);
  });
});
