import { describe, expect, it } from "vitest";
import { specOf } from "../harness/catalog/catalog.ts";
import { probes } from "./probes/index.ts";
import { connects, reachOf } from "./support/published-ports.ts";
import { servicesUnderTest, useStack } from "./support/stack-under-test.ts";

const stack = useStack();

describe.each(servicesUnderTest)("%s", (name) => {
  const { persistence } = probes[name];

  it(`keeps ${persistence.what} and its endpoints across a restart of the same container`, async () => {
    await persistence.before(stack());
    const before = stack().containerId(name);
    const reach = reachOf(stack(), name);

    await stack().restart(name);

    expect(stack().containerId(name)).toBe(before);
    expect(reachOf(stack(), name)).toEqual(reach);
    await persistence.after(stack());
  });

  it(`keeps ${persistence.what} and its endpoints in a new container${specOf(name).dataDir ? " on the same volume" : ""}`, async () => {
    const before = stack().containerId(name);
    const reach = reachOf(stack(), name);

    await stack().recreate(name);

    expect(stack().containerId(name)).not.toBe(before);
    expect(reachOf(stack(), name)).toEqual(reach);
    await persistence.after(stack());
  });

  it("keeps its endpoints across a crash (SIGKILL, then start), and listens on them", async () => {
    const reach = reachOf(stack(), name);

    await stack().crash(name);

    expect(reachOf(stack(), name)).toEqual(reach);
    for (const port of Object.values(reach.hostPorts)) await expect(connects(reach.endpoint.host, port)).resolves.toBe(true);
  });
});
