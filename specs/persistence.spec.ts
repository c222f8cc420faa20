import { describe, expect, it } from "vitest";
import { probes } from "./probes/index.ts";
import { servicesUnderTest, useStack } from "./support/stack-under-test.ts";

const records = 1_000;
const stack = useStack();

describe.each(servicesUnderTest)("%s", (name) => {
  const probe = probes[name];

  it(`keeps ${records} acknowledged writes across a restart of the same container`, async () => {
    await probe.writeRecords(stack(), records);
    const before = stack().containerId(name);
    const portBefore = stack().hostEndpoint(name).port;

    await stack().restart(name);

    expect(stack().containerId(name)).toBe(before);
    expect(stack().hostEndpoint(name).port).not.toBe(portBefore);
    expect(await probe.countRecords(stack(), records)).toBe(records);
  });

  it(`keeps them when a new container is created on the same volume`, async () => {
    const before = stack().containerId(name);

    await stack().recreate(name);

    expect(stack().containerId(name)).not.toBe(before);
    expect(await probe.countRecords(stack(), records)).toBe(records);
  });
});
