import { expect } from "vitest";
import type { RecordStore, ServiceProbe } from "./probe.ts";
import { payload, recordsSurvive } from "./records.ts";

/** Records as the persistence and crash-durability specs write and count them. */
export const elasticsearchRecords: RecordStore = {
  write: async (stack, count) => {
    const client = await stack.client("elasticsearch");
    const operations = Array.from({ length: count }, (_, id) => [
      { index: { _index: "acknowledged", _id: String(id) } },
      { payload: payload(id) },
    ]).flat();
    const response = await client.bulk({ operations });
    expect(response.errors).toBe(false);
    expect(response.items.filter((item) => item.index?.result === "created")).toHaveLength(count);
  },
  countIntact: async (stack, count) => {
    const client = await stack.client("elasticsearch");
    const { docs } = await client.mget<{ payload: string }>({
      index: "acknowledged",
      ids: Array.from({ length: count }, (_, id) => String(id)),
    });
    return docs.filter((doc) => "found" in doc && doc.found && doc._source?.payload === payload(Number(doc._id))).length;
  },
};

export const elasticsearchProbe: ServiceProbe = {
  async roundTrip(stack) {
    const client = await stack.client("elasticsearch");
    await client.indices.create({
      index: "articles",
      mappings: {
        properties: {
          title: { type: "text" },
          embedding: { type: "dense_vector", dims: 3, index: true, similarity: "cosine" },
        },
      },
    });
    const articles = [
      { id: "fox", title: "The quick brown fox jumps", embedding: [1, 0, 0] },
      { id: "dog", title: "A lazy dog sleeps all day", embedding: [0, 1, 0] },
      { id: "bird", title: "Birds sing at dawn", embedding: [0, 0, 1] },
    ];
    for (const { id, ...document } of articles) {
      const response = await client.index({ index: "articles", id, document });
      expect(response.result).toBe("created");
    }
    await client.indices.refresh({ index: "articles" });

    const text = await client.search({ index: "articles", query: { match: { title: "quick fox" } } });
    expect(text.hits.hits.map((hit) => hit._id)).toEqual(["fox"]);

    const nearest = await client.search({
      index: "articles",
      knn: { field: "embedding", query_vector: [0.1, 0.9, 0.2], k: 1, num_candidates: 3 },
    });
    expect(nearest.hits.hits.map((hit) => hit._id)).toEqual(["dog"]);
  },

  records: elasticsearchRecords,
  persistence: recordsSurvive(elasticsearchRecords),
};
