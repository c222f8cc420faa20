import { execFile } from "node:child_process";
import { createServer, type Server } from "node:http";
import { createServer as createTcpServer, type AddressInfo } from "node:net";
import { promisify } from "node:util";
import { getContainerRuntimeClient, ImageName, type ContainerRuntimeClient } from "testcontainers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { specOf } from "../harness/catalog/catalog.ts";
import { bootStack, StackError } from "../harness/index.ts";
import { autoTrack } from "../harness/images/auto-track.ts";
import { lookalikeImage } from "../harness/images/lookalike.ts";
import { lastJsonLineOf } from "./support/child-process.ts";
import { leftovers } from "./support/leftovers.ts";

const run = promisify(execFile);

/** A registry stand-in on loopback: answers /v2/ as a registry does (401, asking for a token). */
async function answeringRegistry(): Promise<{ host: string; server: Server }> {
  const server = createServer((_, response) => response.writeHead(401, { "Docker-Distribution-Api-Version": "registry/2.0" }).end());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { host: `127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** A loopback port nothing listens on: a registry that does not answer. */
async function silentRegistry(): Promise<string> {
  const probe = createTcpServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return `127.0.0.1:${port}`;
}

/** Sets the look-alike image of a service aside for the test, and puts it back after. */
async function withoutImage<T>(engine: ContainerRuntimeClient, image: string, work: () => Promise<T>): Promise<T> {
  const docker = engine.container.dockerode;
  const [repo, tag] = image.split(":") as [string, string];
  const present = await docker.getImage(image).inspect().then(() => true, () => false);
  if (present) {
    await docker.getImage(image).tag({ repo, tag: "set-aside-by-spec" });
    await docker.getImage(image).remove();
  }
  try {
    return await work();
  } finally {
    const rebuilt = await docker.getImage(image).inspect().then(() => true, () => false);
    if (present && !rebuilt) await docker.getImage(`${repo}:set-aside-by-spec`).tag({ repo, tag });
    if (present) await docker.getImage(`${repo}:set-aside-by-spec`).remove().catch(() => {});
  }
}

describe("images: auto", () => {
  let engine: ContainerRuntimeClient;
  let registry: { host: string; server: Server };

  beforeAll(async () => {
    engine = await getContainerRuntimeClient();
    registry = await answeringRegistry();
  });

  afterAll(async () => {
    registry?.server.close();
  });

  it("takes the upstream images when their registry answers", async () => {
    expect(await autoTrack(engine, [`${registry.host}/pgvector/pgvector:0.8.6-pg17-bookworm`, `${registry.host}/redis:7.4.11-alpine`])).toBe("upstream");
  });

  it("takes the look-alike images when a registry does not answer (negative control)", async () => {
    const silent = await silentRegistry();
    expect(await autoTrack(engine, [`${registry.host}/redis:7.4.11-alpine`, `${silent}/elasticsearch/elasticsearch:8.19.20`])).toBe("lookalike");
  });

  it("counts an image already on the engine as there, whatever its registry", async () => {
    const present = lookalikeImage(specOf("redis"));
    expect(await engine.image.exists(ImageName.fromString(present))).toBe(true);
    expect(await autoTrack(engine, [present])).toBe("upstream");
  });

  it("says once which registry did not answer, however many boots ask", async () => {
    const silent = await silentRegistry();
    const script =
      `import { getContainerRuntimeClient } from "testcontainers";\n` +
      `import { autoTrack } from "./harness/images/auto-track.ts";\n` +
      `const engine = await getContainerRuntimeClient();\n` +
      `const tracks = await Promise.all([1, 2, 3].map(() => autoTrack(engine, ["${silent}/redis:7.4.11-alpine"])));\n` +
      `console.log(tracks.join(","));\n`;
    const { stdout, stderr } = await run(process.execPath, ["--input-type=module", "-e", script]);
    expect(stdout.trim()).toBe("lookalike,lookalike,lookalike");
    expect(stderr.trim().split("\n")).toEqual([
      `stack-harness: no answer from ${silent}: booting the look-alike images, each built on first use (STACK_HARNESS_IMAGES=upstream or lookalike chooses).`,
    ]);
  });
});

describe("testcontainers' Ryuk where its image cannot be had", () => {
  it("is left out, unless asked for, and the boot goes on with the harness's own reaper", async () => {
    const script = `
      import { bootStack } from ${JSON.stringify(new URL("../harness/index.ts", import.meta.url).href)};
      const stack = await bootStack({ services: ["redis"] });
      const pong = await (await stack.client("redis")).ping();
      await stack.stop();
      console.log(JSON.stringify({ pong, ryukDisabled: process.env.TESTCONTAINERS_RYUK_DISABLED }));`;
    const env: NodeJS.ProcessEnv = { ...process.env, RYUK_CONTAINER_IMAGE: `${await silentRegistry()}/testcontainers/ryuk:0` };
    delete env.TESTCONTAINERS_RYUK_DISABLED;
    expect(await lastJsonLineOf(script, env)).toEqual({ pong: "PONG", ryukDisabled: "true" });
    expect(await leftovers()).toEqual([]);
  });
});

describe("a look-alike image that is not built", () => {
  it("is built on first use, and the boot goes on", async () => {
    const engine = await getContainerRuntimeClient();
    const image = lookalikeImage(specOf("redis"));
    await withoutImage(engine, image, async () => {
      const stack = await bootStack({ services: ["redis"], images: "lookalike" });
      try {
        expect(await (await stack.client("redis")).ping()).toBe("PONG");
        expect(await engine.image.exists(ImageName.fromString(image))).toBe(true);
      } finally {
        await stack.stop();
      }
    });
  }, 600_000);

  it("fails the boot naming the service and the build when it cannot be built, leaving nothing", async () => {
    const engine = await getContainerRuntimeClient();
    const image = lookalikeImage(specOf("redis"));
    process.env.STACK_HARNESS_BASE_BOOKWORM = "stack-harness/no-such-base:0";
    try {
      await withoutImage(engine, image, async () => {
        const error = await bootStack({ services: ["redis"], images: "lookalike" }).then(
          () => undefined,
          (failure: unknown) => failure,
        );
        expect(error).toBeInstanceOf(StackError);
        expect((error as StackError).code).toBe("image-build-failed");
        expect((error as StackError).message).toMatch(/^\[stack-harness\] redis: the image build failed \(docker exited with 1\)\.\nFix: /);
        // It failed on the base image, which is neither present nor pullable.
        expect((error as StackError).details).toMatch(/FROM \$\{BASE\}[^]*\n.*(no-such-base|registry|lookup)/);
      });
    } finally {
      delete process.env.STACK_HARNESS_BASE_BOOKWORM;
    }
    expect(await leftovers()).toEqual([]);
  }, 120_000);
});
