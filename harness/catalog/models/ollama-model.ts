export { tinyModelReference } from "./tiny-model.ts";

/** A small model of the Ollama library that generates, chats and embeds: the default on the upstream images. */
export const defaultOllamaModel = "smollm2:135m";

/** The variable that chooses the model Ollama pulls, for bootStack and for docker-compose.yml. */
export const ollamaModelVariable = "STACK_HARNESS_OLLAMA_MODEL";
