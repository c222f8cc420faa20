import { fileURLToPath } from "node:url";
import { GenericContainer, getContainerRuntimeClient, Wait } from "testcontainers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runLabels } from "../harness/engine/resource-names.ts";
import { bootStack, type Stack } from "../harness/index.ts";

const appContext = fileURLToPath(new URL("../fixtures/app/", import.meta.url));

describe("an app container on the stack's network", () => {
  let stack: Stack;
  const appImage = `stack-harness-app:spec-${process.pid}`;

  beforeAll(async () => {
    stack = await bootStack();
  });

  afterAll(async () => {
    await stack?.stop();
    const docker = (await getContainerRuntimeClient()).container.dockerode;
    await docker.getImage(appImage).remove().catch(() => {});
  });

  it("gets the in-network settings as variables", () => {
    const environment = stack.appEnvironment();
    expect(environment).toEqual({
      OLLAMA_BASE_URL: "http://ollama:11434",
      DATABASE_URL: "postgres://stack:stack-password@pgvector:5432/stack",
      REDIS_URL: "redis://redis:6379",
      NEO4J_URI: "bolt://neo4j:7687",
      NEO4J_USERNAME: "neo4j",
      NEO4J_PASSWORD: "stack-password",
      CHROMA_URL: "http://chroma:8000",
      ELASTICSEARCH_URL: "http://elasticsearch:9200",
      SPARK_MASTER: "spark://spark-master:7077",
    });
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
    expect(reached).toEqual({
      OLLAMA_BASE_URL: { ok: true, answer: "HTTP 200" },
      CHROMA_URL: { ok: true, answer: "HTTP 200" },
      ELASTICSEARCH_URL: { ok: true, answer: "HTTP 200" },
      DATABASE_URL: { ok: true, answer: expect.stringMatching(/^(4e|53)$/) },
      REDIS_URL: { ok: true, answer: Buffer.from("+PONG\r\n").toString("hex") },
      NEO4J_URI: { ok: true, answer: expect.stringMatching(/^0000[0-9a-f]{4}$/) },
      SPARK_MASTER: { ok: true, answer: "connected" },
    });
  });
});
