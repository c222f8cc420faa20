import { expect } from "vitest";
import type { Stack } from "../../harness/index.ts";
import { run, startSibling } from "../support/sibling.ts";
import type { ServiceProbe } from "./probe.ts";

/** The model the boot made available, as Ollama lists it. */
export async function stackModel(stack: Pick<Stack<"ollama">, "client" | "settings">): Promise<{ name: string; digest: string }> {
  const client = await stack.client("ollama");
  const { models } = await client.list();
  const wanted = stack.settings.ollamaModel.includes(":", stack.settings.ollamaModel.lastIndexOf("/") + 1)
    ? stack.settings.ollamaModel
    : `${stack.settings.ollamaModel}:latest`;
  const model = models.find((listed) => listed.name === wanted);
  expect(model, `Ollama does not list ${wanted}: the boot-time pull did not happen`).toBeDefined();
  return model!;
}

/** The embedding width the model declares. */
async function embeddingLength(stack: Stack, model: string): Promise<number> {
  const client = await stack.client("ollama");
  const info = (await client.show({ model })).model_info as unknown as Record<string, unknown>;
  const key = Object.keys(info).find((name) => name.endsWith(".embedding_length"));
  return Number(info[key!]);
}

async function registryRequests(stack: Stack): Promise<number> {
  return (await (await stack.client("model-registry")).stats()).total;
}

let requestsBeforeRestart = 0;

export const ollamaProbe: ServiceProbe = {
  async roundTrip(stack) {
    const client = await stack.client("ollama");
    const { name: model } = await stackModel(stack);

    // A request whose answer is longer than the cap, so that the cap ends it.
    const generated = await client.generate({ model, prompt: "Count from one to one hundred in words.", options: { num_predict: 8 } });
    expect(generated.eval_count).toBe(8);
    expect(generated.done_reason).toBe("length");
    expect(typeof generated.response).toBe("string");

    const chat = await client.chat({
      model,
      messages: [{ role: "user", content: "Hello" }],
      options: { num_predict: 6 },
    });
    expect(chat.message.role).toBe("assistant");
    expect(chat.eval_count).toBe(6);

    const { embeddings } = await client.embed({ model, input: ["first text", "second text"] });
    const width = await embeddingLength(stack, model);
    expect(width).toBeGreaterThan(0);
    expect(embeddings.map((vector) => vector.length)).toEqual([width, width]);
    expect(embeddings[0]).not.toEqual(embeddings[1]);
  },

  persistence: {
    what: "the pulled model, with no second pull",
    before: async (stack) => {
      await stackModel(stack);
      requestsBeforeRestart = await registryRequests(stack);
    },
    after: async (stack) => {
      const model = await stackModel(stack);
      const client = await stack.client("ollama");
      const generated = await client.generate({ model: model.name, prompt: "Again.", options: { num_predict: 4 } });
      expect(generated.eval_count).toBe(4);
      expect(await registryRequests(stack)).toBe(requestsBeforeRestart);
    },
  },

  crash: {
    title: "keeps its pulled model through a crash and still generates with it",
    check: async (stack) => {
      const before = await stackModel(stack);
      await stack.crash("ollama");
      const after = await stackModel(stack);
      expect(after.digest).toBe(before.digest);
      const generated = await (await stack.client("ollama")).generate({ model: after.name, prompt: "Hi.", options: { num_predict: 4 } });
      expect(generated.eval_count).toBe(4);
    },
  },

  extras: {
    healthcheck: {
      "is not checked with `ollama --version`, which passes where no server runs": async (stack) => {
        const serverDown = await startSibling(stack, "ollama");
        expect((await run(serverDown, "ollama --version")).exitCode).toBe(0);
        expect((await run(serverDown, "OLLAMA_HOST=127.0.0.1:11434 ollama list")).exitCode).not.toBe(0);
      },
    },
  },
};
