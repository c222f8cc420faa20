import { Ollama } from "ollama";
import { seedFailure } from "../seed-files.ts";
import { defineService, quickToStart, type ProvisionScript, type Seeding } from "../service-spec.ts";

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
      "STACK_HARNESS_OLLAMA_MODEL (the stack's own model-registry:5000/library/tiny-llama:latest needs no network).",
  }),
};

/** Ollama seeds: further models to have, pulled once per stack (the boot's own model is `ollamaModel`). */
export interface OllamaSeed {
  /** @example ["all-minilm", "model-registry:5000/library/tiny-llama:latest"] */
  models: string[];
}

const ollamaSeeding: Seeding<OllamaSeed> = {
  shape: "{ models: [name, ...] }",
  files: () => [],
  check(seed) {
    const models = (seed as { models?: unknown } | null)?.models;
    if (typeof seed !== "object" || seed === null || !Array.isArray(models) || !models.every((model) => typeof model === "string" && model.trim())) {
      return "must be { models: [names] }";
    }
    const extra = Object.keys(seed).find((key) => key !== "models");
    return extra ? `takes \`models\`, not \`${extra}\`` : undefined;
  },
  async apply({ url }, seed) {
    const client = new Ollama({ host: url });
    for (const model of seed.models) {
      // The stack's own registry speaks plain HTTP.
      await client.pull({ model, insecure: model.startsWith("model-registry:") }).catch((error: unknown) => {
        throw seedFailure("ollama", { file: `the model ${model}` }, error);
      });
    }
  },
};

export const ollama = defineService<Ollama, OllamaSeed>({
  name: "ollama",
  upstreamImage: "ollama/ollama:0.32.15",
  lookalike: {
    base: "bookworm",
    version: "0.24.0",
    versionCommand: "ollama --version 2>&1",
    differences: [
      "Ollama **0.24.0** (upstream pin: 0.32.15), the last release whose model runner `go build` compiles in (from 0.30 it is a cmake-built llama-server): `images/ollama/fetch.sh` builds it on this machine from the Go module proxy, with the four headers its module lacks unpacked from Debian packages (about 2.5 minutes on 2 cores, then cached), its version stamped so `/api/version` reports 0.24.0",
      "Models run in its built-in llama.cpp runner, CPU only (no CUDA, ROCm or Vulkan libraries)",
      "Debian bookworm instead of Ubuntu 24.04",
      "no `-buildmode=pie`",
      "The Ollama library is not reachable: the default model is `model-registry:5000/library/smollm2:135m`, the same SmolLM2-135M-Instruct as upstream's `smollm2:135m` but a Q4_1 quantisation with a template of ours",
    ],
    alike: "`/bin/ollama serve`, `OLLAMA_HOST=0.0.0.0:11434`, `/root/.ollama`, root, bash, no curl, wget or nc",
  },
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
  seeding: ollamaSeeding,
});
