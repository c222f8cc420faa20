import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tinyLlamaGguf } from "./tiny-gguf.ts";
import { publishModel } from "./publish-model.ts";

/** How Ollama pulls the tiny model from the stack's own registry. */
export const tinyModelReference = "model-registry:5000/library/tiny-llama:latest";

// No template layer: Ollama's default template is the same "{{ .Prompt }}", and Ollama spends a
// second on each layer it pulls.
const layers = { template: null };

/**
 * A directory, laid out as the model-registry serves it, holding the tiny llama model of
 * tiny-gguf.ts as library/tiny-llama:latest; made once per machine and content.
 */
export async function publishedModels(): Promise<string> {
  const gguf = tinyLlamaGguf();
  const digest = createHash("sha256").update(gguf).update(JSON.stringify(layers)).digest("hex").slice(0, 16);
  const dir = join(tmpdir(), `stack-harness-models-${digest}`);
  if (existsSync(join(dir, "manifests", "library", "tiny-llama", "latest"))) return dir;
  const staging = `${dir}.${process.pid}.tmp`;
  await mkdir(staging, { recursive: true });
  await writeFile(join(staging, "tiny-llama.gguf"), gguf);
  publishModel({ gguf: join(staging, "tiny-llama.gguf"), name: "tiny-llama", tag: "latest", outDir: staging, ...layers });
  await rm(join(staging, "tiny-llama.gguf"));
  try {
    await rename(staging, dir);
  } catch {
    await rm(staging, { recursive: true, force: true }); // another process published it first
  }
  return dir;
}
