import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify, stripVTControlCharacters } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { specOf, type ServiceName } from "../harness/catalog/catalog.ts";
import { lookalikeImage } from "../harness/images/lookalike.ts";
import { lastJsonLineOf } from "./support/child-process.ts";
import { leftovers } from "./support/leftovers.ts";
import { copyImages, startSecondEngine, type SecondEngine } from "./support/second-engine.ts";

const run = promisify(execFile);
const root = fileURLToPath(new URL("..", import.meta.url));
const harnessEntry = new URL("../harness/index.ts", import.meta.url).href;
const services: ServiceName[] = ["pgvector", "redis", "chroma"];
// The app-container spec builds its app FROM the model-registry image.
const images = [...services, "model-registry" as const].map((name) => lookalikeImage(specOf(name)));
// The specs of the suite that run here again, on the other engine, for the services above.
const suite = ["connectivity", "persistence", "healthcheck", "dns", "app-container"].map((name) => `specs/${name}.spec.ts`);

describe("a remote Docker engine, reached over TCP (a second dockerd of its own on 127.0.0.2)", () => {
  let engine: SecondEngine;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    engine = await startSecondEngine();
    await copyImages(images, engine.dockerHost);
    env = {
      ...process.env,
      DOCKER_HOST: engine.dockerHost,
      STACK_HARNESS_IMAGES: "lookalike",
      TESTCONTAINERS_RYUK_DISABLED: "true",
      STACK_HARNESS_SERVICES: services.join(","),
      // A remote engine publishes on every address of its host unless told: here, only its own.
      STACK_HARNESS_PUBLISH_ADDRESS: engine.address,
    };
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
    const result = await run(process.execPath, [`${root}node_modules/vitest/vitest.mjs`, "run", ...suite, "--reporter=default"], { cwd: root, env, maxBuffer: 64 * 2 ** 20 }).then(
      ({ stdout }) => ({ code: 0, output: stdout }),
      (failure: { code: number; stdout: string; stderr: string }) => ({ code: failure.code, output: `${failure.stdout}\n${failure.stderr}` }),
    );
    const output = stripVTControlCharacters(result.output);
    expect(result.code, output.slice(-4_000)).toBe(0);
    expect(output).toMatch(new RegExp(`Test Files +${suite.length} passed \\(${suite.length}\\)`));
    expect(output).not.toMatch(/skipped|todo/);
  }, 900_000);

  it("leaves nothing on either engine", async () => {
    expect(await leftovers()).toEqual([]);
    const { stdout } = await run("docker", ["-H", engine.dockerHost, "ps", "-aq", "--filter", "label=stack-harness=true"]);
    expect(stdout.trim()).toBe("");
  });
});
