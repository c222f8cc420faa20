import { ModelRegistry } from "../clients/model-registry.ts";
import { publishedModels } from "../models/tiny-model.ts";
import { packagePath } from "../package-root.ts";
import { defineService, quickToStart } from "../service-spec.ts";

const server = packagePath("images/model-registry/server.mjs");

/**
 * The stack's own Ollama model registry: it serves the tiny llama model of fixtures/ollama (and
 * whatever is mounted at /models) the way `ollama pull --insecure` expects, so a stack needs no
 * model download; the same server can mirror models for CI.
 */
export const modelRegistry = defineService<ModelRegistry>({
  name: "model-registry",
  upstreamImage: "node:22-bookworm-slim",
  lookalike: { base: "trixie" },
  port: 5000,
  environment: { PORT: "5000", MODELS_DIR: "/models" },
  command: ["node", "/srv/model-registry/server.mjs"],
  files: async () => [
    { source: server, target: "/srv/model-registry/server.mjs" },
    { source: await publishedModels(), target: "/models" },
    ...(process.env.STACK_HARNESS_MODELS_DIR ? [{ source: process.env.STACK_HARNESS_MODELS_DIR, target: "/models" }] : []),
  ],
  healthcheck: {
    command: (host) => `node /srv/model-registry/server.mjs --check ${host}`,
    ...quickToStart,
  },
  startupTimeoutMs: 30_000,
  memoryMiB: 128,
  stopTimeoutSeconds: 5,
  dependsOn: [],
  absentTools: ["curl", "wget"],
  url: (host, port) => `http://${host}:${port}`,
  client: {
    connect: async ({ url }) => new ModelRegistry(url),
    close: async () => {},
  },
});
