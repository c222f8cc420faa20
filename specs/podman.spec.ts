import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lastJsonLineOf } from "./support/child-process.ts";
import { copyImagesToPodman, startPodman, type PodmanEngine } from "./support/podman-engine.ts";
import { envElsewhere, expectAllPassed, imagesElsewhere, runSpecFiles, servicesElsewhere as services, specsElsewhere as suite } from "./support/suite-elsewhere.ts";

const run = promisify(execFile);
const harnessEntry = new URL("../harness/index.ts", import.meta.url).href;

describe("Podman, through its Docker-compatible API (Debian's podman 4.3, rootful, no systemd)", () => {
  let podman: PodmanEngine;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    podman = await startPodman();
    await copyImagesToPodman(imagesElsewhere, podman.env);
    env = envElsewhere(podman.dockerHost, podman.env);
  }, 600_000);

  afterAll(async () => {
    await podman?.stop();
  });

  it("boots there with endpoints on 127.0.0.1, and Podman itself reports each service healthy from the checks the harness has it run", async () => {
    const script = `
      import { getContainerRuntimeClient } from "testcontainers";
      import { bootStack } from ${JSON.stringify(harnessEntry)};
      const stack = await bootStack({ services: ${JSON.stringify(services)} });
      try {
        const docker = (await getContainerRuntimeClient()).container.dockerode;
        const health = async () => (await docker.getContainer(stack.containerId("redis")).inspect()).State.Health;
        const until = async (test) => { const end = Date.now() + 10_000; while (!test(await health()) && Date.now() < end) await new Promise((r) => setTimeout(r, 200)); return health(); };
        const engine = (await docker.version()).Components.map((component) => component.Name);
        const statuses = await Promise.all(stack.services.map((name) => stack.healthStatus(name)));
        const trap = await stack.exec("redis", "redis-cli -h 127.0.0.1 config set requirepass trap | grep -q OK");
        const failing = await until((state) => state.FailingStreak > 0);
        const healed = await stack.exec("redis", "REDISCLI_AUTH=trap redis-cli -h 127.0.0.1 config set requirepass '' | grep -q OK");
        const recovered = await until((state) => state.FailingStreak === 0);
        console.log(JSON.stringify({
          engine: engine.includes("Podman Engine"),
          hosts: [...new Set(stack.services.map((name) => stack.hostEndpoint(name).host))],
          statuses: [...new Set(statuses)],
          pong: await (await stack.client("redis")).ping(),
          rows: (await (await stack.client("pgvector")).query("SELECT 1 AS one")).rows,
          heartbeat: typeof (await (await stack.client("chroma")).heartbeat()),
          // After the boot too: a check that fails is counted, and a passing one clears the count.
          trapSprung: trap.exitCode === 0 && healed.exitCode === 0,
          failingStreak: failing.FailingStreak > 0,
          recovered: recovered.FailingStreak === 0 && recovered.Status === "healthy",
        }));
      } finally {
        await stack.stop();
      }`;
    expect(await lastJsonLineOf(script, env)).toEqual({
      engine: true,
      hosts: ["127.0.0.1"],
      statuses: ["healthy"],
      pong: "PONG",
      rows: [{ one: 1 }],
      heartbeat: "number",
      trapSprung: true,
      failingStreak: true,
      recovered: true,
    });
  }, 300_000);

  it(`passes ${suite.join(", ")} for ${services.join(", ")} there`, async () => {
    expectAllPassed(await runSpecFiles(suite, env), suite);
  }, 900_000);

  it("leaves nothing there", async () => {
    for (const kind of ["ps -aq", "network ls -q", "volume ls -q"]) {
      const { stdout } = await run("docker", ["-H", podman.dockerHost, ...kind.split(" "), "--filter", "label=stack-harness=true"]);
      expect(stdout.trim(), kind).toBe("");
    }
  });
});
