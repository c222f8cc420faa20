import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootStack, type Stack } from "../harness/index.ts";
import { stackModel } from "./probes/ollama.ts";

const texts = [
  "Cats purr on the warm sofa.",
  "Dogs bark at the mail carrier.",
  "Birds sing before dawn.",
  "Fish swim in the garden pond.",
];
const query = texts[1]!;

describe("texts embedded by Ollama, stored in Chroma and pgvector", () => {
  let stack: Stack<"ollama" | "model-registry" | "chroma" | "pgvector">;
  let vectors: number[][];
  let queryVector: number[];

  beforeAll(async () => {
    stack = await bootStack({ services: ["model-registry", "ollama", "chroma", "pgvector"] });
    const ollama = await stack.client("ollama");
    const { name: model } = await stackModel(stack);
    vectors = (await ollama.embed({ model, input: texts })).embeddings;
    queryVector = (await ollama.embed({ model, input: query })).embeddings[0]!;
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it("finds the nearest text in Chroma", async () => {
    const chroma = await stack.client("chroma");
    const collection = await chroma.createCollection({ name: "texts", embeddingFunction: null });
    await collection.add({ ids: texts.map((_, index) => `text-${index}`), embeddings: vectors, documents: texts });
    const result = await collection.query({ queryEmbeddings: [queryVector], nResults: 1 });
    expect(result.documents).toEqual([[query]]);
  });

  it("finds the nearest text in pgvector", async () => {
    const pg = await stack.client("pgvector");
    await pg.query("CREATE EXTENSION IF NOT EXISTS vector");
    await pg.query(`CREATE TABLE texts (id serial PRIMARY KEY, body text NOT NULL, embedding vector(${queryVector.length}))`);
    for (const [index, body] of texts.entries()) {
      await pg.query("INSERT INTO texts (body, embedding) VALUES ($1, $2)", [body, JSON.stringify(vectors[index])]);
    }
    const { rows } = await pg.query("SELECT body FROM texts ORDER BY embedding <=> $1 LIMIT 1", [JSON.stringify(queryVector)]);
    expect(rows).toEqual([{ body: query }]);
  });
});
