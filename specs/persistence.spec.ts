import { getContainerRuntimeClient } from "testcontainers";
import { beforeAll, describe, expect, it } from "vitest";
import { specOf } from "../harness/catalog/catalog.ts";
import { isLocalEngine } from "../harness/engine/published-ports.ts";
import { probes } from "./probes/index.ts";
import { connects, reachOf } from "./support/published-ports.ts";
import { servicesUnderTest, useStack } from "./support/stack-under-test.ts";

const stack = useStack();

// Endpoints stay put on a local engine, where the harness chooses the host ports. A remote engine
// chooses them itself and may move them when a container starts again (README: remote engines):
// there the endpoints must follow, on the engine's host.
let localEngine: boolean;
beforeAll(async () => {
  localEngine = isLocalEngine(await getContainerRuntimeClient());
});
const expectSameReach = (after: ReturnType<typeof reachOf>, before: ReturnType<typeof reachOf>) =>
  localEngine ? expect(after).toEqual(before) : expect(after.endpoint.host).toBe(before.endpoint.host);

describe.each(servicesUnderTest)("%s", (name) => {
  const { persistence } = probes[name];

  it(`keeps ${persistence.what} and its endpoints across a restart of the same container`, async () => {
    await persistence.before(stack());
    const before = stack().containerId(name);
    const reach = reachOf(stack(), name);

    await stack().restart(name);

    expect(stack().containerId(name)).toBe(before);
    expectSameReach(reachOf(stack(), name), reach);
    await persistence.after(stack());
  });

  it(`keeps ${persistence.what} and its endpoints in a new container${specOf(name).dataDir ? " on the same volume" : ""}`, async () => {
    const before = stack().containerId(name);
    const reach = reachOf(stack(), name);

    await stack().recreate(name);

    expect(stack().containerId(name)).not.toBe(before);
    expectSameReach(reachOf(stack(), name), reach);
    await persistence.after(stack());
  });

  it("keeps its endpoints across a crash (SIGKILL, then start), and listens on them", async () => {
    const reach = reachOf(stack(), name);

    await stack().crash(name);

    expectSameReach(reachOf(stack(), name), reach);
    for (const port of Object.values(reachOf(stack(), name).hostPorts)) await expect(connects(reach.endpoint.host, port)).resolves.toBe(true);
  });
});
