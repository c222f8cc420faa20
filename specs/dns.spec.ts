import { describe, expect, it } from "vitest";
import { specOf } from "../harness/catalog/catalog.ts";
import { run, startSibling } from "./support/sibling.ts";
import { servicesUnderTest, useStack } from "./support/stack-under-test.ts";

const stack = useStack();

describe.each(servicesUnderTest)("%s", (name) => {
  it("answers at its compose service name from another container on the network", async () => {
    const neighbour = await startSibling(stack(), name);
    const { host, port } = stack().networkEndpoint(name);
    expect(host).toBe(name);
    expect(port).toBe(specOf(name).port);

    const resolved = await run(neighbour, `getent hosts ${host} || nslookup ${host}`);
    expect(resolved.exitCode, resolved.output).toBe(0);
    const answered = await run(neighbour, specOf(name).healthcheck.command(host));
    expect(answered.exitCode, answered.output).toBe(0);
  });

  it("is not reachable under a name that is not on the network", async () => {
    const neighbour = await startSibling(stack(), name);
    const answered = await run(neighbour, specOf(name).healthcheck.command(`${name}-missing`));
    expect(answered.exitCode).not.toBe(0);
  });
});
