import type { ImageTrack } from "./images.ts";
import { tinyModelReference } from "./models/tiny-model.ts";

/** Choices that shape what the services hold, resolved once per boot. */
export interface StackSettings {
  /** The model Ollama pulls at boot (unless its volume has it already). */
  ollamaModel: string;
}

/** A small model of the Ollama library that generates, chats and embeds: the default for real users. */
export const defaultOllamaModel = "smollm2:135m";

const ollamaModelVariable = "STACK_HARNESS_OLLAMA_MODEL";

export function resolveSettings(
  options: { ollamaModel?: string },
  track: ImageTrack,
  env: NodeJS.ProcessEnv = process.env,
): StackSettings {
  return {
    ollamaModel:
      options.ollamaModel ?? env[ollamaModelVariable] ?? (track === "lookalike" ? tinyModelReference : defaultOllamaModel),
  };
}

/**
 * The settings as docker-compose.yml holds them: interpolations of the same variables, whose
 * defaults need no network (the tiny model comes from the stack's own model-registry).
 */
export const composeSettings: StackSettings = {
  ollamaModel: `\${${ollamaModelVariable}:-${tinyModelReference}}`,
};
