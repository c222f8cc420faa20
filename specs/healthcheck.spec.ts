import { describe, expect, it } from "vitest";
import { specOf } from "../harness/catalog/catalog.ts";
import { probes } from "./probes/index.ts";
import { run, startSibling } from "./support/sibling.ts";
import { servicesUnderTest, useStack } from "./support/stack-under-test.ts";

const stack = useStack();

describe.each(servicesUnderTest)("%s", (name) => {
  const spec = specOf(name);
  const healthcheck = spec.healthcheck.command("127.0.0.1");

  it("is reported healthy by Docker itself", async () => {
    expect(await stack().healthStatus(name)).toBe("healthy");
  });

  it("passes its healthcheck command while the service serves", async () => {
    expect((await stack().exec(name, healthcheck)).exitCode).toBe(0);
  });

  it("fails its healthcheck command where the server is not running (negative control)", async () => {
    const serverDown = await startSibling(stack(), name);
    const result = await run(serverDown, healthcheck);
    expect(result.exitCode, result.output).not.toBe(0);
  });

  it("uses only tools the upstream image has, and the image adds none it lacks", async () => {
    const words = healthcheck.split(/[^A-Za-z0-9_-]+/);
    for (const tool of spec.absentTools) {
      expect(words, `healthcheck uses ${tool}`).not.toContain(tool);
      const found = await stack().exec(name, `command -v ${tool}`);
      expect(found.exitCode, `${tool} is in the image at ${found.output.trim()}`).not.toBe(0);
    }
    const tool = healthcheck.replace(/^(\w+=\S*\s+)+/, "").split(/\s+/)[0]!;
    expect((await stack().exec(name, `command -v ${tool}`)).exitCode).toBe(0);
  });

  for (const [title, check] of Object.entries(probes[name].extras?.healthcheck ?? {})) {
    it(title, () => check(stack()));
  }

  const trap = probes[name].healthTrap;
  if (trap) {
    it(`fails its healthcheck when ${trap.description}, where the naive check passes`, async () => {
      await trap.spring(stack());
      try {
        expect((await stack().exec(name, trap.naiveCommand)).exitCode).toBe(0);
        expect((await stack().exec(name, healthcheck)).exitCode).not.toBe(0);
      } finally {
        await trap.restore(stack());
      }
      expect((await stack().exec(name, healthcheck)).exitCode).toBe(0);
    });
  }
});
