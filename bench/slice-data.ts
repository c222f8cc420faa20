import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bootStack, type Seeds, type StackSlice } from "../harness/index.ts";

/** The services a slice has a part of (or leases), and what `reset` returns to the seed. */
export const slicedServices = ["pgvector", "redis", "elasticsearch", "chroma", "neo4j"] as const;
type Sliced = (typeof slicedServices)[number];

const records = 1_000;
const settleMs = 1_000;
const ids = Array.from({ length: records }, (_, id) => id);
const embedding = (id: number) => Array.from({ length: 8 }, (_, at) => ((id * (at + 1)) % 97) / 97);

/** Seed files of 1,000 rows, keys, documents, records and nodes (with 500 relationships), written to a temporary directory. */
async function thousandSeeds(): Promise<Seeds> {
  const dir = await mkdtemp(join(tmpdir(), "bench-seeds-"));
  const file = async (name: string, text: string) => (await writeFile(join(dir, name), text), join(dir, name));
  return {
    pgvector: {
      sql: [
        await file(
          "docs.sql",
          `CREATE EXTENSION IF NOT EXISTS vector;\nCREATE TABLE docs (id int PRIMARY KEY, title text, embedding vector(8));\n` +
            ids.map((id) => `INSERT INTO docs VALUES (${id}, 'doc ${id}', '[${embedding(id)}]');`).join("\n"),
        ),
      ],
    },
    redis: { commands: [await file("cache.redis", ids.map((id) => `SET doc:${id} "text ${id}"`).join("\n"))] },
    elasticsearch: { bulk: [await file("docs.ndjson", ids.map((id) => `{"index":{"_index":"docs","_id":"${id}"}}\n{"title":"doc ${id}"}`).join("\n"))] },
    chroma: {
      collections: [await file("docs.json", JSON.stringify({ name: "docs", ids: ids.map(String), embeddings: ids.map(embedding), documents: ids.map((id) => `doc ${id}`) }))],
    },
    neo4j: { cypher: [await file("docs.cypher", `UNWIND range(0, ${records - 1}) AS id CREATE (:Doc { id: id });\nMATCH (a:Doc), (b:Doc) WHERE b.id = a.id + 1 AND a.id % 2 = 0 CREATE (a)-[:NEXT]->(b);`)] },
  };
}

/** Changes the slice's part of a service as a test would: 10 new items. */
const dirty: Record<Sliced, (slice: StackSlice<Sliced>) => Promise<void>> = {
  async pgvector(slice) {
    const pg = await slice.client("pgvector");
    await pg.query("INSERT INTO docs SELECT id, 'new', NULL FROM generate_series($1::int, $1::int + 9) AS id", [records]);
  },
  async redis(slice) {
    await (await slice.client("redis")).mSet(Object.fromEntries(ids.slice(0, 10).map((id) => [`new:${id}`, "text"])));
  },
  async elasticsearch(slice) {
    const es = await slice.client("elasticsearch");
    const index = `${slice.appEnvironment("host").ELASTICSEARCH_INDEX_PREFIX}docs`;
    await es.bulk({ refresh: true, operations: ids.slice(0, 10).flatMap((id) => [{ index: { _index: index, _id: `new${id}` } }, { title: "new" }]) });
  },
  async chroma(slice) {
    const collection = await (await slice.client("chroma")).getCollection({ name: "docs", embeddingFunction: null } as never);
    await collection.add({ ids: ids.slice(0, 10).map((id) => `new${id}`), embeddings: ids.slice(0, 10).map(embedding) });
  },
  async neo4j(slice) {
    await (await slice.client("neo4j")).executeQuery("UNWIND range(1, 10) AS id CREATE (:New { id: id })");
  },
};

/** Counts what the slice's part of a service holds, so a reset that did not return to the seed fails the bench. */
const count: Record<Sliced, (slice: StackSlice<Sliced>) => Promise<number>> = {
  pgvector: async (slice) => (await (await slice.client("pgvector")).query("SELECT count(*)::int AS n FROM docs")).rows[0].n,
  redis: async (slice) => (await slice.client("redis")).dbSize(),
  elasticsearch: async (slice) => (await (await slice.client("elasticsearch")).count({ index: `${slice.appEnvironment("host").ELASTICSEARCH_INDEX_PREFIX}docs` })).count,
  chroma: async (slice) => (await (await slice.client("chroma")).getCollection({ name: "docs", embeddingFunction: null } as never)).count(),
  neo4j: async (slice) => (await (await slice.client("neo4j")).executeQuery("MATCH (n) RETURN count(n) AS n")).records[0]!.get("n").toNumber(),
};

export interface SliceDataTimes {
  /** Per service: milliseconds of `slice.reset(service)` back to a seed of 1,000 items, after 10 were added. */
  resets: Record<Sliced, number[]>;
  /** Milliseconds of `slice.reset()` of every service at once, as the preset does before each file. */
  resetAll: number[];
  /** Milliseconds of `slice.snapshot(name)` and `slice.restore(name)` of the whole slice (every service, Neo4j leased). */
  snapshot: number[];
  restore: number[];
}

/** Measures resets to the seed per service, `rounds` times, the services in a different order each round, and the slice's snapshot and restore. */
export async function sliceDataTimes(rounds: number): Promise<SliceDataTimes> {
  const stack = await bootStack({ services: slicedServices, seeds: await thousandSeeds() });
  const times: SliceDataTimes = { resets: Object.fromEntries(slicedServices.map((name) => [name, [] as number[]])) as SliceDataTimes["resets"], resetAll: [], snapshot: [], restore: [] };
  const timed = async (work: () => Promise<void>) => {
    // As between two test files: the background work of the last reset (pgvector's spare copy,
    // 100 to 150 ms of disk and CPU) is done, so it is not charged to the next service measured.
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    const started = performance.now();
    await work();
    return performance.now() - started;
  };
  try {
    const slice = await stack.slice("bench");
    const release = await slice.lease("neo4j");
    for (let round = 0; round < rounds; round++) {
      const order = [...slicedServices.slice(round % slicedServices.length), ...slicedServices.slice(0, round % slicedServices.length)];
      for (const name of order) {
        await dirty[name](slice);
        times.resets[name].push(await timed(() => slice.reset(name)));
        const held = await count[name](slice);
        if (held !== records) throw new Error(`${name}: the reset left ${held} items, not the seed's ${records}`);
      }
      for (const name of slicedServices) await dirty[name](slice);
      times.resetAll.push(await timed(() => slice.reset()));
      times.snapshot.push(await timed(() => slice.snapshot("bench")));
      for (const name of slicedServices) await dirty[name](slice);
      times.restore.push(await timed(() => slice.restore("bench")));
      for (const name of slicedServices) {
        const held = await count[name](slice);
        if (held !== records) throw new Error(`${name}: the restore left ${held} items, not the snapshot's ${records}`);
      }
    }
    await release();
  } finally {
    await stack.stop();
  }
  return times;
}
