import { Ollama } from "ollama";
import { defineService, quickToStart, type ProvisionScript } from "../service-spec.ts";

// Pulls the model unless the volume holds it; the stack's own registry speaks plain HTTP.
const pullModel: ProvisionScript = {
  script:
    'case "$MODEL" in model-registry:*) insecure=--insecure ;; *) insecure= ;; esac; ' +
    'ollama show "$MODEL" >/dev/null 2>&1 || ollama pull $insecure "$MODEL"',
  environment: (settings) => ({ MODEL: settings.ollamaModel }),
  failure: (settings, exitCode) => ({
    problem: `could not pull the model ${settings.ollamaModel} (exit ${exitCode}).`,
    fix:
      "check the model name and that its registry is reachable, or choose another model with " +
      "STACK_HARNESS_OLLAMA_MODEL (model-registry:5000/library/tiny-llama:latest needs no network).",
  }),
};

export const ollama = defineService<Ollama>({
  name: "ollama",
  upstreamImage: "ollama/ollama:0.32.15",
  lookalike: { base: "bookworm" },
  port: 11434,
  environment: { OLLAMA_KEEP_ALIVE: "10m" },
  dataDir: "/root/.ollama",
  keepData: true,
  healthcheck: {
    // `ollama --version` passes with the server down; `ollama list` asks the server.
    command: (host) => `OLLAMA_HOST=${host}:11434 ollama list`,
    ...quickToStart,
  },
  startupTimeoutMs: 600_000,
  memoryMiB: 2_048,
  stopTimeoutSeconds: 10,
  dependsOn: ["model-registry"],
  absentTools: ["curl", "wget", "nc"],
  appEnvironment: (url) => ({ OLLAMA_BASE_URL: url }),
  url: (host, port) => `http://${host}:${port}`,
  client: {
    connect: async ({ url }) => new Ollama({ host: url }),
    close: async (client) => client.abort(),
  },
  provisionScript: pullModel,
});
