import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChatRequest } from "ollama";
import { bootStack, type Stack } from "../harness/index.ts";
import { stackModel } from "./probes/ollama.ts";

// Room to finish a one-sentence answer: the answer must end by itself well before this.
const numPredict = 96;
const question = (model: string): ChatRequest & { stream?: false } => ({
  model,
  messages: [{ role: "user", content: "What is the capital of France? Answer in one short sentence." }],
  options: { temperature: 0, seed: 42, num_predict: numPredict },
});

describe("a chat with the stack's default model (SmolLM2-135M-Instruct)", () => {
  let stack: Stack<"ollama" | "model-registry">;
  let model: string;

  beforeAll(async () => {
    stack = await bootStack({ services: ["model-registry", "ollama"] });
    model = (await stackModel(stack)).name;
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it("answers in English and stops by itself (done_reason stop, not length)", async () => {
    const reply = await (await stack.client("ollama")).chat(question(model));
    expect(reply.done_reason).toBe("stop");
    expect(reply.eval_count).toBeLessThan(numPredict);
    expect(reply.message.role).toBe("assistant");
    expect(reply.message.content).toMatch(/\bParis\b/);
    // English prose: ASCII letters and punctuation, several words, no template tokens.
    expect(reply.message.content.trim()).toMatch(/^[\x20-\x7E\n]+$/);
    expect(reply.message.content.trim().split(/\s+/).length).toBeGreaterThanOrEqual(3);
    expect(reply.message.content).not.toMatch(/<\|im_(start|end)\|>/);
  });

  it("gives the same text to the same request at temperature 0 with a fixed seed", async () => {
    const client = await stack.client("ollama");
    const first = await client.chat(question(model));
    const second = await client.chat(question(model));
    expect(second.message.content).toBe(first.message.content);
    // Negative control: another question gets another answer.
    const other = await client.chat({ ...question(model), messages: [{ role: "user", content: "Name a colour of the sky at noon." }] });
    expect(other.message.content).not.toBe(first.message.content);
  });

  it("streams the same text, piece by piece, as the unstreamed reply", async () => {
    const client = await stack.client("ollama");
    const whole = await client.chat(question(model));
    const pieces: string[] = [];
    let last: { done_reason?: string } = {};
    for await (const part of await client.chat({ ...question(model), stream: true })) {
      pieces.push(part.message.content);
      if (part.done) last = part;
    }
    expect(pieces.filter(Boolean).length).toBeGreaterThan(1);
    expect(pieces.join("")).toBe(whole.message.content);
    expect(last.done_reason).toBe("stop");
  });
});
