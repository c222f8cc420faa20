import { fileURLToPath } from "node:url";
import { GenericContainer, getContainerRuntimeClient, Wait } from "testcontainers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runLabels } from "../harness/engine/resource-names.ts";
import type { ServiceName } from "../harness/catalog/catalog.ts";
import { bootStack, type Stack } from "../harness/index.ts";
import { servicesUnderTest } from "./support/stack-under-test.ts";

const appContext = fileURLToPath(new URL("../fixtures/app/", import.meta.url));

/** Per service: the variables an app gets, and what the app's probe of each must read. */
const expected: Partial<Record<ServiceName, { variables: Record<string, string>; reached: Record<string, unknown> }>> = {
  ollama: { variables: { OLLAMA_BASE_URL: "http://ollama:11434" }, reached: { OLLAMA_BASE_URL: { ok: true, answer: "HTTP 200" } } },
  pgvector: {
    variables: { DATABASE_URL: "postgres://stack:stack-password@pgvector:5432/stack" },
    reached: { DATABASE_URL: { ok: true, answer: expect.stringMatching(/^(4e|53)$/) } },
  },
  redis: { variables: { REDIS_URL: "redis://redis:6379" }, reached: { REDIS_URL: { ok: true, answer: Buffer.from("+PONG\r\n").toString("hex") } } },
  neo4j: {
    variables: { NEO4J_URI: "bolt://neo4j:7687", NEO4J_USERNAME: "neo4j", NEO4J_PASSWORD: "stack-password" },
    reached: { NEO4J_URI: { ok: true, answer: expect.stringMatching(/^0000[0-9a-f]{4}$/) } },
  },
  chroma: { variables: { CHROMA_URL: "http://chroma:8000" }, reached: { CHROMA_URL: { ok: true, answer: "HTTP 200" } } },
  elasticsearch: { variables: { ELASTICSEARCH_URL: "http://elasticsearch:9200" }, reached: { ELASTICSEARCH_URL: { ok: true, answer: "HTTP 200" } } },
  "spark-master": { variables: { SPARK_MASTER: "spark://spark-master:7077" }, reached: { SPARK_MASTER: { ok: true, answer: "connected" } } },
};
const merged = (part: "variables" | "reached", names: readonly ServiceName[]) => Object.assign({}, ...names.map((name) => expected[name]?.[part] ?? {}));

// The app image is built FROM the model-registry image (node), so model-registry boots too.
const booted = [...new Set<ServiceName>(["model-registry", ...servicesUnderTest])];

describe("an app container on the stack's network", () => {
  let stack: Stack;
  const appImage = `stack-harness-app:spec-${process.pid}`;

  beforeAll(async () => {
    stack = await bootStack({ services: booted });
  });

  afterAll(async () => {
    await stack?.stop();
    const docker = (await getContainerRuntimeClient()).container.dockerode;
    await docker.getImage(appImage).remove().catch(() => {});
  });

  it("gets the in-network settings as variables", () => {
    expect(stack.appEnvironment()).toEqual(merged("variables", booted));
  });

  it("reaches every service by its service name from its own image", async () => {
    const image = await GenericContainer.fromDockerfile(appContext)
      .withBuildArgs({ BASE: stack.image("model-registry") })
      .build(appImage, { deleteOnExit: false });
    const app = await image
      .withLabels(runLabels(stack.runId))
      .withNetworkMode(stack.network)
      .withEnvironment(stack.appEnvironment())
      .withWaitStrategy(Wait.forOneShotStartup())
      .start();
    const logs = await new Promise<string>((resolve) => {
      let text = "";
      void app.logs().then((stream) => stream.on("data", (chunk) => (text += chunk)).on("end", () => resolve(text)));
    });
    const line = logs.split("\n").find((entry) => entry.startsWith("REACHED "));
    expect(line, logs).toBeDefined();
    const reached = JSON.parse(line!.slice("REACHED ".length)) as Record<string, { ok: boolean; answer: string }>;
    expect(reached).toEqual(merged("reached", booted));
  });
});
