import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootStack, ollamaModels, type Stack } from "../harness/index.ts";
import { tinyModelReference } from "../harness/catalog/models/tiny-model.ts";

// Twelve topics; each query says what one text says in other words (no query is a stored text).
const pairs = [
  ["Mix flour, butter and sugar, then bake the batter at 180 degrees.", "How do I make a cake in the oven?"],
  ["The striker scored twice in the final minutes of the football match.", "Who got the goals in the soccer game?"],
  ["Heavy rain and strong winds are expected along the coast tomorrow.", "What will the weather be like by the sea next day?"],
  ["The central bank raised interest rates to slow down inflation.", "Why did borrowing money become more expensive?"],
  ["The doctor prescribed antibiotics for the bacterial infection.", "Which medicine cures an illness caused by bacteria?"],
  ["The rocket carried a new satellite into orbit around the Earth.", "A spacecraft was launched into space."],
  ["Water tomato plants regularly and give them plenty of sunlight.", "How should I look after the vegetables I grow?"],
  ["The guitarist played a long solo at the rock concert.", "A musician performed on stage with an electric instrument."],
  ["Restart the router if the wifi connection keeps dropping.", "My wireless internet disconnects all the time."],
  ["The cat curled up and purred on the warm sofa.", "A kitten is sleeping on the couch."],
  ["The train to the city was delayed by forty minutes.", "My rail journey is running late."],
  ["The volcano erupted, pouring lava and ash down its slopes.", "Molten rock came out of the mountain."],
] as const;
const texts = pairs.map(([text]) => text);
const queries = pairs.map(([, query]) => query);
const dimensions = 384;

describe("semantic search: texts embedded by all-minilm, queried in other words in pgvector, Chroma and Elasticsearch", () => {
  let stack: Stack<"ollama" | "model-registry" | "chroma" | "pgvector" | "elasticsearch">;
  let model: string;
  let textVectors: number[][];
  let queryVectors: number[][];

  beforeAll(async () => {
    stack = await bootStack({ services: ["model-registry", "ollama", "chroma", "pgvector", "elasticsearch"] });
    model = ollamaModels.embedding[stack.track];
    const ollama = await stack.client("ollama");
    for (const pulled of [model, tinyModelReference]) await ollama.pull({ model: pulled, insecure: pulled.startsWith("model-registry:") });
    textVectors = (await ollama.embed({ model, input: texts })).embeddings;
    queryVectors = (await ollama.embed({ model, input: queries })).embeddings;
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it("embeds every text and query in 384 dimensions, as all-minilm declares", async () => {
    const info = (await (await stack.client("ollama")).show({ model })).model_info as unknown as Record<string, unknown>;
    expect(info["bert.embedding_length"]).toBe(dimensions);
    expect([...textVectors, ...queryVectors].map((vector) => vector.length)).toEqual(Array(texts.length * 2).fill(dimensions));
  });

  it("finds the text each query paraphrases first in pgvector", async () => {
    const pg = await stack.client("pgvector");
    await pg.query("CREATE EXTENSION IF NOT EXISTS vector");
    await pg.query(`CREATE TABLE texts (id serial PRIMARY KEY, body text NOT NULL, embedding vector(${dimensions}))`);
    for (const [index, body] of texts.entries()) {
      await pg.query("INSERT INTO texts (body, embedding) VALUES ($1, $2)", [body, JSON.stringify(textVectors[index])]);
    }
    const nearest: string[] = [];
    for (const vector of queryVectors) {
      const { rows } = await pg.query("SELECT body FROM texts ORDER BY embedding <=> $1 LIMIT 1", [JSON.stringify(vector)]);
      nearest.push(rows[0].body);
    }
    expect(nearest).toEqual(texts);
  });

  it("finds the text each query paraphrases first in Chroma", async () => {
    const chroma = await stack.client("chroma");
    const collection = await chroma.createCollection({ name: "texts", embeddingFunction: null, configuration: { hnsw: { space: "cosine" } } });
    await collection.add({ ids: texts.map((_, index) => `text-${index}`), embeddings: textVectors, documents: texts });
    const result = await collection.query({ queryEmbeddings: queryVectors, nResults: 1 });
    expect(result.documents.map(([document]) => document)).toEqual(texts);
  });

  it("finds the text each query paraphrases first with an Elasticsearch kNN search", async () => {
    const es = await stack.client("elasticsearch");
    await es.indices.create({
      index: "texts",
      mappings: { properties: { body: { type: "text" }, embedding: { type: "dense_vector", dims: dimensions, index: true, similarity: "cosine" } } },
    });
    await es.bulk({ refresh: true, operations: texts.flatMap((body, index) => [{ index: { _index: "texts" } }, { body, embedding: textVectors[index] }]) });
    const nearest: unknown[] = [];
    for (const vector of queryVectors) {
      const result = await es.search<{ body: string }>({ index: "texts", knn: { field: "embedding", query_vector: vector, k: 1, num_candidates: texts.length } });
      nearest.push(result.hits.hits[0]?._source?.body);
    }
    expect(nearest).toEqual(texts);
  });

  it("owes the ranking to the model (negative control: the tiny random-weight model ranks few right)", async () => {
    const cosine = (a: number[], b: number[]) => a.reduce((sum, value, index) => sum + value * b[index]!, 0) / (norm(a) * norm(b));
    const norm = (a: number[]) => Math.sqrt(a.reduce((sum, value) => sum + value * value, 0));
    const rightFirst = (textSet: number[][], querySet: number[][]) =>
      querySet.filter((query, index) => {
        const scores = textSet.map((text) => cosine(query, text));
        return scores.indexOf(Math.max(...scores)) === index;
      }).length;
    const ollama = await stack.client("ollama");
    const tiny = async (input: string[]) => (await ollama.embed({ model: tinyModelReference, input })).embeddings;
    expect(rightFirst(textVectors, queryVectors)).toBe(texts.length);
    expect(rightFirst(await tiny(texts), await tiny(queries))).toBeLessThanOrEqual(texts.length / 2);
  });
});
