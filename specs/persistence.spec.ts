import { describe, expect, it } from "vitest";
import { specOf } from "../harness/catalog/catalog.ts";
import { probes } from "./probes/index.ts";
import { servicesUnderTest, useStack } from "./support/stack-under-test.ts";

const stack = useStack();

describe.each(servicesUnderTest)("%s", (name) => {
  const { persistence } = probes[name];

  it(`keeps ${persistence.what} across a restart of the same container`, async () => {
    await persistence.before(stack());
    const before = stack().containerId(name);
    const portBefore = stack().hostEndpoint(name).port;

    await stack().restart(name);

    expect(stack().containerId(name)).toBe(before);
    expect(stack().hostEndpoint(name).port).not.toBe(portBefore);
    await persistence.after(stack());
  });

  it(`keeps ${persistence.what} in a new container${specOf(name).dataDir ? " on the same volume" : ""}`, async () => {
    const before = stack().containerId(name);

    await stack().recreate(name);

    expect(stack().containerId(name)).not.toBe(before);
    await persistence.after(stack());
  });
});
