import { describe, expect, it } from "vitest";
import { loopback, publishAddressVariable } from "../harness/engine/published-ports.ts";
import { probes } from "./probes/index.ts";
import { portBindings, reachOf } from "./support/published-ports.ts";
import { servicesUnderTest, useStack } from "./support/stack-under-test.ts";

const stack = useStack();
// 127.0.0.1 unless the run chose another address (the remote-engine spec: that engine's own).
const publishAddress = process.env[publishAddressVariable] ?? loopback;

describe.each(servicesUnderTest)("%s", (name) => {
  it("answers a real round trip through its client", async () => {
    await probes[name].roundTrip(stack());
  });

  it(`publishes every port on ${publishAddress} only, at the host ports its endpoints name`, async () => {
    const { endpoint, hostPorts } = reachOf(stack(), name);
    expect(endpoint.host).toBe(publishAddress);
    expect((await portBindings(stack(), name)).sort()).toEqual(Object.entries(hostPorts).map(([port, host]) => `${port}/tcp ${publishAddress}:${host}`).sort());
  });

  it("reports the memory and CPU time its container uses; the CPU time grows with work in it", async () => {
    const [memory, before] = await Promise.all([stack().memoryBytes(name), stack().cpuSeconds(name)]);
    expect(memory).toBeGreaterThan(0);
    expect(before).toBeGreaterThan(0);
    expect((await stack().exec(name, "i=0; while [ $i -lt 20000 ]; do i=$((i + 1)); done")).exitCode).toBe(0);
    expect(await stack().cpuSeconds(name)).toBeGreaterThan(before);
  });

  for (const [title, check] of Object.entries(probes[name].extras?.connectivity ?? {})) {
    it(title, () => check(stack()));
  }
});
