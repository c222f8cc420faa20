import { errors } from "@elastic/elasticsearch";
import { createClient } from "redis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { StartedTestContainer } from "testcontainers";
import { getContainerRuntimeClient } from "testcontainers";
import type { ClientOf, NetworkFault, ServiceName, StackErrorCode } from "../harness/index.ts";
import { containerName } from "../harness/engine/resource-names.ts";
import { faultProxyImage } from "../harness/images/fault-proxy-image.ts";
import { StackError } from "../harness/index.ts";
import { elapsedMs, medianMs, stateAfter } from "./support/settling.ts";
import { run, startSibling } from "./support/sibling.ts";
import { useStack } from "./support/stack-under-test.ts";

const keys = 1_000;
const rounds = 9;
/** The bound: an added latency measured within 20 % of what was asked. */
const within = 0.2;
const stack = useStack(["pgvector", "redis", "elasticsearch"], { faultProxy: ["redis", "elasticsearch"] });
let sibling: StartedTestContainer;
let baseline: { redis: number; elasticsearch: number };
/** One client each for the file, as an app holds them: a fault acts on the connections they hold. */
let clients: { redis: ClientOf<"redis">; elasticsearch: ClientOf<"elasticsearch"> };

const redis = async () => clients.redis;
const esInfo = () => clients.elasticsearch.info({}, { requestTimeout: 5_000, maxRetries: 0 });

beforeAll(async () => {
  sibling = await startSibling(stack(), "redis");
  clients = { redis: await stack().client("redis"), elasticsearch: await stack().client("elasticsearch") };
  const client = await redis();
  await Promise.all(Array.from({ length: keys }, (_, index) => client.set(`acked:${index}`, String(index))));
  baseline = { redis: await medianMs(rounds, () => client.ping()), elasticsearch: await medianMs(rounds, esInfo) };
  console.log(`network faults: baseline round trips through the proxy: redis ${baseline.redis.toFixed(1)} ms, elasticsearch ${baseline.elasticsearch.toFixed(1)} ms`);
});
afterEach(async () => {
  await stack().heal();
});
afterAll(async () => {
  await sibling?.stop();
});

describe("the fault proxy", () => {
  it("takes over the service's host endpoint and its name on the stack network, adding nothing by default", async () => {
    const docker = (await getContainerRuntimeClient()).container.dockerode;
    const own = (await docker.getContainer(stack().containerId("redis")).inspect()).NetworkSettings.Ports["6379/tcp"]?.map((binding) => Number(binding.HostPort));
    expect(own).not.toContain(stack().hostEndpoint("redis").port);
    expect(await (await redis()).ping()).toBe("PONG");
    expect((await run(sibling, "redis-cli -h redis -p 6379 ping")).stdout.trim()).toBe("PONG");
    expect(baseline.redis).toBeLessThan(20);
  });

  it("runs the Toxiproxy version the fidelity table gives", async () => {
    const docker = (await getContainerRuntimeClient()).container.dockerode;
    const proxy = docker.getContainer(containerName(stack().runId, faultProxyImage.recipe));
    const api = (await proxy.inspect()).NetworkSettings.Ports[`${faultProxyImage.apiPort}/tcp`]![0]!;
    const { version } = (await (await fetch(`http://${api.HostIp}:${api.HostPort}/version`)).json()) as { version: string };
    expect(version).toBe(faultProxyImage.lookalike.version);
    expect(faultProxyImage.upstreamImage).toMatch(new RegExp(`:${version}$`));
  });

  it.each([
    ["redis", 200, () => redis().then((client) => client.ping())],
    ["elasticsearch", 300, esInfo],
  ] as const)("adds latency to %s within a fifth of %i ms, and takes it away with the fault", async (name, ms, request) => {
    const fault = await stack().fault(name, { kind: "latency", ms });
    const slowed = await medianMs(rounds, request);
    await fault.remove();
    const after = await medianMs(rounds, request);
    const added = slowed - baseline[name];
    console.log(`network faults: ${name} latency ${ms} ms asked, ${added.toFixed(1)} ms added (median of ${rounds}); ${after.toFixed(1)} ms once removed`);
    expect(Math.abs(added - ms)).toBeLessThanOrEqual(ms * within);
    expect(after).toBeLessThan(baseline[name] + ms * within);
  });

  it("spreads latency by its jitter", async () => {
    const client = await redis();
    await stack().fault("redis", { kind: "latency", ms: 200, jitterMs: 100 });
    const times: number[] = [];
    for (let round = 0; round < 15; round++) times.push(await elapsedMs(() => client.ping()));
    const [fastest, slowest] = [Math.min(...times), Math.max(...times)];
    console.log(`network faults: redis latency 200 ± 100 ms: from ${fastest.toFixed(0)} to ${slowest.toFixed(0)} ms`);
    expect(slowest - fastest).toBeGreaterThan(50);
    expect(fastest).toBeGreaterThanOrEqual(100 * (1 - within));
    expect(slowest).toBeLessThanOrEqual(300 * (1 + within) + baseline.redis);
  });

  it("slows what a container on the stack network sees at the service's name too", async () => {
    const pings = "for i in 1 2 3 4 5; do redis-cli -h redis -p 6379 ping >/dev/null; done";
    const plain = await elapsedMs(() => run(sibling, pings));
    await stack().fault("redis", { kind: "latency", ms: 200 });
    const slowed = await elapsedMs(() => run(sibling, pings));
    console.log(`network faults: 5 pings from the network: ${plain.toFixed(0)} ms plain, ${slowed.toFixed(0)} ms with 200 ms latency`);
    expect(slowed - plain).toBeGreaterThanOrEqual(5 * 200 * (1 - within));
  });

  it("limits bandwidth within a fifth of the rate asked", async () => {
    const client = await redis();
    const bytes = 200_000;
    await client.set("large", "x".repeat(bytes));
    await stack().fault("redis", { kind: "bandwidth", kilobytesPerSecond: 100 });
    const ms = await elapsedMs(() => client.get("large"));
    const expected = bytes / 100; // 100 kB/s is 100 bytes a millisecond
    console.log(`network faults: ${bytes} bytes at 100 kB/s in ${ms.toFixed(0)} ms (expected ${expected} ms)`);
    expect(Math.abs(ms - expected)).toBeLessThanOrEqual(expected * within);
  });

  it("times a request out as the app's client sees it: held open (afterMs 0) or closed after afterMs", async () => {
    const es = clients.elasticsearch;
    await stack().fault("elasticsearch", { kind: "timeout" });
    await expect(es.info({}, { requestTimeout: 1_000, maxRetries: 0 })).rejects.toBeInstanceOf(errors.TimeoutError);
    await stack().heal("elasticsearch");

    await stack().fault("elasticsearch", { kind: "timeout", afterMs: 500 });
    const started = performance.now();
    const closed = await es.info({}, { requestTimeout: 5_000, maxRetries: 0 }).then(() => undefined, (error: Error) => error);
    const closedMs = performance.now() - started;
    console.log(`network faults: elasticsearch connection closed after ${closedMs.toFixed(0)} ms (${closed?.name})`);
    expect(closed).toBeInstanceOf(errors.ConnectionError);
    expect(closedMs).toBeGreaterThanOrEqual(500 * (1 - within));
    expect(closedMs).toBeLessThan(2_000);
  });

  it("resets connections, as a crashed peer does", async () => {
    await stack().fault("redis", { kind: "reset" });
    const client = createClient({ url: stack().hostEndpoint("redis").url, socket: { reconnectStrategy: false, connectTimeout: 2_000 } });
    client.on("error", () => {});
    const failure = await client.connect().then(() => client.ping()).then(() => "answered", (error: Error) => error.message);
    if (client.isOpen) await client.close();
    expect(failure).toMatch(/ECONNRESET|closed|Socket/i);
    await stack().heal("redis");
    expect(await (await redis()).ping()).toBe("PONG");
  });

  it("disconnects a proxied service: its name answers and refuses, its host endpoint refuses, until reconnect", async () => {
    const fresh = () => {
      const client = createClient({ url: stack().hostEndpoint("redis").url, socket: { reconnectStrategy: false, connectTimeout: 2_000 } });
      client.on("error", () => {});
      return client.connect().then(async () => (await client.ping(), await client.close(), "answered"), (error: Error) => error.message);
    };
    await stack().disconnect("redis");
    expect(await fresh()).toMatch(/ECONNREFUSED|ECONNRESET|closed/i);
    expect((await run(sibling, "redis-cli -h redis -p 6379 ping")).stdout.trim()).not.toBe("PONG");
    await stack().reconnect("redis");
    expect(await fresh()).toBe("answered");
    expect((await run(sibling, "redis-cli -h redis -p 6379 ping")).stdout.trim()).toBe("PONG");
    expect(await (await redis()).ping()).toBe("PONG"); // the file's client, reconnected by itself
  });

  it("heals every fault at once, and the writes acknowledged before are all there", async () => {
    // Its own connection: one whose reply the timeout dropped is out of step for good, and an app's client reconnects.
    const stuck = createClient({ url: stack().hostEndpoint("redis").url });
    stuck.on("error", () => {});
    await stuck.connect();
    await stack().fault("redis", { kind: "timeout" });
    await stack().fault("elasticsearch", { kind: "latency", ms: 1_000 });
    expect(await stateAfter(stuck.ping(), 1_000)).toBe("pending");
    const healMs = await elapsedMs(() => stack().heal());
    stuck.destroy();
    const fresh = createClient({ url: stack().hostEndpoint("redis").url });
    await fresh.connect();
    const present = await fresh.exists(Array.from({ length: keys }, (_, index) => `acked:${index}`));
    await fresh.close();
    const esMs = await elapsedMs(esInfo);
    console.log(`network faults: healed in ${healMs.toFixed(0)} ms; elasticsearch answered in ${esMs.toFixed(0)} ms after`);
    expect(present).toBe(keys);
    expect(esMs).toBeLessThan(1_000 * within);
  });

  it("removes a scoped fault when its block ends", async () => {
    const client = await redis();
    {
      await using _slow = await stack().fault("redis", { kind: "latency", ms: 300 });
      expect(await elapsedMs(() => client.ping())).toBeGreaterThanOrEqual(300 * (1 - within));
    }
    expect(await elapsedMs(() => client.ping())).toBeLessThan(300 * within);
  });
});

describe("a fault the proxy cannot make", () => {
  it.each<[string, ServiceName, NetworkFault, StackErrorCode, RegExp]>([
    ["a service not behind the proxy", "pgvector", { kind: "latency", ms: 100 }, "not-proxied", /pgvector: was not booted behind the fault proxy.*\nFix: .*faultProxy: \["pgvector"\]/s],
    ["an unknown kind", "redis", { kind: "slow" } as unknown as NetworkFault, "invalid-option", /redis: a fault of kind "slow" is not one the proxy makes.*\nFix: use one of: \{ kind: "latency"/s],
    ["a negative latency", "redis", { kind: "latency", ms: -5 }, "invalid-option", /the latency fault's `ms` must be a number >= 0, not -5.*\nFix: e\.g\. \{ kind: "latency", ms: 300/s],
    ["a bandwidth without its rate", "redis", { kind: "bandwidth" } as unknown as NetworkFault, "invalid-option", /`kilobytesPerSecond` must be a number >= 0, not undefined/],
    ["an unknown direction", "elasticsearch", { kind: "reset", direction: "sideways" } as unknown as NetworkFault, "invalid-option", /`direction` must be "downstream", "upstream" or "both", not "sideways"/],
  ])("refuses %s, naming the service and the fix", async (_case, name, fault, code, message) => {
    const error = await stack().fault(name, fault).then(() => undefined, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(StackError);
    expect((error as StackError).code).toBe(code);
    expect((error as StackError).message).toMatch(message);
    expect(await elapsedMs(() => redis().then((client) => client.ping()))).toBeLessThan(100); // nothing was added
  });
});
