import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lastJsonLineOf } from "./support/child-process.ts";
import { leftovers } from "./support/leftovers.ts";
import { copyImages, startSecondEngine, type SecondEngine } from "./support/second-engine.ts";
import { envElsewhere, expectAllPassed, imagesElsewhere, runSpecFiles, servicesElsewhere as services, specsElsewhere as suite } from "./support/suite-elsewhere.ts";

const run = promisify(execFile);
const harnessEntry = new URL("../harness/index.ts", import.meta.url).href;

describe("a remote Docker engine, reached over TCP (a second dockerd in a network namespace of its own, at 10.215.0.2)", () => {
  let engine: SecondEngine;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    engine = await startSecondEngine();
    await copyImages(imagesElsewhere, engine.dockerHost);
    // A remote engine publishes on every address of its host unless told: here, only its own.
    env = envElsewhere(engine.dockerHost, { STACK_HARNESS_PUBLISH_ADDRESS: engine.address });
  }, 600_000);

  afterAll(async () => {
    await engine?.stop();
  });

  it("boots there, on the stack network alone, with host endpoints on that engine's address and nothing bind-mounted from this machine", async () => {
    const script = `
      import { getContainerRuntimeClient } from "testcontainers";
      import { bootStack } from ${JSON.stringify(harnessEntry)};
      const stack = await bootStack({ services: ${JSON.stringify([...services, "model-registry"])} });
      try {
        const docker = (await getContainerRuntimeClient()).container.dockerode;
        const containers = await docker.listContainers({ filters: { label: ["stack-harness.run=" + stack.runId] } });
        console.log(JSON.stringify({
          hosts: [...new Set(stack.services.map((name) => stack.hostEndpoint(name).host))],
          pong: await (await stack.client("redis")).ping(),
          rows: (await (await stack.client("pgvector")).query("SELECT 1 AS one")).rows,
          heartbeat: typeof (await (await stack.client("chroma")).heartbeat()),
          mountTypes: [...new Set(containers.flatMap((container) => container.Mounts.map((mount) => mount.Type)))],
          onlyStackNetwork: containers.every((container) => Object.keys(container.NetworkSettings.Networks).join() === stack.network),
        }));
      } finally {
        await stack.stop();
      }`;
    expect(await lastJsonLineOf(script, env)).toEqual({
      hosts: [engine.address],
      pong: "PONG",
      rows: [{ one: 1 }],
      heartbeat: "number",
      mountTypes: ["volume"],
      // Not also on the engine's default bridge, where every stack's containers would meet.
      onlyStackNetwork: true,
    });
  }, 300_000);

  it(`passes ${suite.join(", ")} for ${services.join(", ")} there`, async () => {
    expectAllPassed(await runSpecFiles(suite, env), suite);
  }, 900_000);

  it("leaves nothing on either engine, and this machine's engine its default bridge", async () => {
    expect(await leftovers()).toEqual([]);
    await run("ip", ["link", "show", "docker0"]);
    const { stdout } = await run("docker", ["-H", engine.dockerHost, "ps", "-aq", "--filter", "label=stack-harness=true"]);
    expect(stdout.trim()).toBe("");
  });
});
