export { tinyModelReference } from "./tiny-model.ts";

/** The variable that chooses the model Ollama pulls, for bootStack and for docker-compose.yml. */
export const ollamaModelVariable = "STACK_HARNESS_OLLAMA_MODEL";

/**
 * Small real models of the Ollama library, by image track: the upstream images pull them from the
 * Ollama library; the look-alike model-registry has them built in (images/model-registry), made
 * from the same weights by the look-alike Ollama's `ollama create`.
 */
export const ollamaModels = {
  /** SmolLM2-135M-Instruct: generates and chats (the default model of a boot). */
  chat: { upstream: "smollm2:135m", lookalike: "model-registry:5000/library/smollm2:135m" },
  /** all-MiniLM-L6-v2: semantic embeddings of 384 dimensions. */
  embedding: { upstream: "all-minilm", lookalike: "model-registry:5000/library/all-minilm:latest" },
} as const;
