import { expect } from "vitest";
import type { RecordStore, ServiceProbe } from "./probe.ts";
import { payload, recordsSurvive } from "./records.ts";

/** A unit vector per id, distinct enough that nearest-neighbour answers are unambiguous. */
function embedding(id: number): number[] {
  const angle = (id / 1000) * Math.PI;
  return [Math.cos(angle), Math.sin(angle), 0.5];
}

/** Records as the persistence and crash-durability specs write and count them. */
export const chromaRecords: RecordStore = {
  write: async (stack, count) => {
    const client = await stack.client("chroma");
    const collection = await client.createCollection({ name: "acknowledged", embeddingFunction: null });
    const batch = 250;
    for (let first = 0; first < count; first += batch) {
      const ids = Array.from({ length: Math.min(batch, count - first) }, (_, offset) => first + offset);
      await collection.add({
        ids: ids.map(String),
        embeddings: ids.map(embedding),
        documents: ids.map(payload),
      });
    }
    expect(await collection.count()).toBe(count);
  },
  countIntact: async (stack, count) => {
    const client = await stack.client("chroma");
    const collection = await client.getCollection({ name: "acknowledged" });
    const { ids, documents } = await collection.get({ ids: Array.from({ length: count }, (_, id) => String(id)) });
    const nearest = await collection.query({ queryEmbeddings: [embedding(500)], nResults: 1 });
    expect(nearest.ids).toEqual([["500"]]);
    return ids.filter((id, index) => documents[index] === payload(Number(id))).length;
  },
};

export const chromaProbe: ServiceProbe = {
  async roundTrip(stack) {
    const client = await stack.client("chroma");
    const collection = await client.createCollection({ name: "animals", embeddingFunction: null });
    await collection.add({
      ids: ["cats", "dogs", "birds"],
      embeddings: [
        [1, 0, 0],
        [0, 1, 0],
        [0, 0, 1],
      ],
      documents: ["Cats purr.", "Dogs bark.", "Birds sing."],
    });
    const result = await collection.query({ queryEmbeddings: [[0.1, 0.9, 0.2]], nResults: 1 });
    expect(result.ids).toEqual([["dogs"]]);
    expect(result.documents).toEqual([["Dogs bark."]]);
    expect(await collection.count()).toBe(3);
  },

  records: chromaRecords,
  persistence: recordsSurvive(chromaRecords),
};
