import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { getContainerRuntimeClient } from "testcontainers";
import { afterEach, describe, expect, it } from "vitest";
import type { ServiceName } from "../harness/catalog.ts";
import { specOf } from "../harness/catalog.ts";
import { lookalikeImage } from "../harness/images.ts";
import { bootStack } from "../harness/stack.ts";
import { leftovers } from "./support/leftovers.ts";

const harnessEntry = new URL("../harness/index.ts", import.meta.url).href;

describe("a boot that cannot succeed", () => {
  afterEach(async () => {
    expect(await leftovers()).toEqual([]);
  });

  it("says within 5 s that the engine is unreachable and how to start one", async () => {
    const script = `
      import { bootStack } from ${JSON.stringify(harnessEntry)};
      const started = Date.now();
      try { await bootStack({ services: ["redis"] }); } catch (error) {
        console.log(JSON.stringify({ ms: Date.now() - started, message: error.message }));
      }`;
    const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script], {
      env: { ...process.env, DOCKER_HOST: "tcp://127.0.0.1:1" },
    });
    const { ms, message } = JSON.parse(stdout.trim().split("\n").pop()!);
    expect(ms).toBeLessThan(5_000);
    expect(message).toMatch(/the Docker engine is not reachable/);
    expect(message).toMatch(/Fix: start a Docker engine .*`docker info`/);
  });

  it("lists the valid names for an unknown service", async () => {
    await expect(bootStack({ services: ["postgres" as ServiceName] })).rejects.toThrow(
      /postgres: is not a service of the catalog\.\nFix: use one of: ollama, model-registry, pgvector, redis, neo4j, chroma, elasticsearch, spark-master, spark-worker\./,
    );
  });

  it("names the command that builds a missing look-alike image", async () => {
    const docker = (await getContainerRuntimeClient()).container.dockerode;
    const image = lookalikeImage(specOf("redis"));
    const [repo, tag] = image.split(":") as [string, string];
    const present = await docker.getImage(image).inspect().then(() => true, () => false);
    if (present) await docker.getImage(image).tag({ repo, tag: "set-aside-by-spec" });
    try {
      if (present) await docker.getImage(image).remove();
      await expect(bootStack({ services: ["redis"], images: "lookalike" })).rejects.toThrow(
        /redis: the look-alike image stack-harness\/redis:lookalike is not built\.\nFix: run `npm run images`/,
      );
    } finally {
      if (present) {
        await docker.getImage(`${repo}:set-aside-by-spec`).tag({ repo, tag });
        await docker.getImage(`${repo}:set-aside-by-spec`).remove();
      }
    }
  });

  it("says an overridden image could not be pulled and what to do", async () => {
    process.env.STACK_HARNESS_IMAGE_REDIS = "stack-harness/no-such-image:0";
    try {
      await expect(bootStack({ services: ["redis"] })).rejects.toThrow(
        /redis: the image stack-harness\/no-such-image:0 is not present and could not be pulled .*\nFix: .*STACK_HARNESS_REGISTRY/,
      );
    } finally {
      delete process.env.STACK_HARNESS_IMAGE_REDIS;
    }
  });

  it("names the service that timed out, shows its last log lines and removes the others", async () => {
    const boot = bootStack({ services: ["pgvector", "redis"], startupTimeoutMs: { pgvector: 1_000 } });
    const error: Error = await boot.then(
      () => expect.fail("the boot should have timed out"),
      (failure: Error) => failure,
    );
    expect(error.message).toMatch(/^\[stack-harness\] pgvector: did not become healthy within 1 s/);
    expect(error.message).toMatch(/Fix: .*raise startupTimeoutMs for "pgvector"/);
    const logs = error.message.split("Last 50 log lines of pgvector:\n")[1];
    expect(logs?.trim().length).toBeGreaterThan(0);
    expect(logs).not.toBe("(none)");
  });
});
