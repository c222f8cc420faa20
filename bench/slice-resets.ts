import { bootStack, type StackSlice } from "../harness/index.ts";

/** The services a slice has a part of (or leases), and what `reset` empties. */
export const slicedServices = ["pgvector", "redis", "elasticsearch", "chroma", "neo4j"] as const;
type Sliced = (typeof slicedServices)[number];

const records = 1_000;
const ids = Array.from({ length: records }, (_, id) => id);

/** Fills the slice's part of a service with 1,000 records, as an app's test would. */
const fill: Record<Sliced, (slice: StackSlice<Sliced>) => Promise<void>> = {
  async pgvector(slice) {
    const pg = await slice.client("pgvector");
    await pg.query("CREATE TABLE docs (id int PRIMARY KEY, embedding vector(3))");
    await pg.query("INSERT INTO docs SELECT id, ARRAY[id, 1, 0]::vector FROM generate_series(1, $1) AS id", [records]);
  },
  async redis(slice) {
    const redis = await slice.client("redis");
    await redis.mSet(Object.fromEntries(ids.map((id) => [`doc:${id}`, "text"])));
  },
  async elasticsearch(slice) {
    const es = await slice.client("elasticsearch");
    const index = `${slice.appEnvironment("host").ELASTICSEARCH_INDEX_PREFIX}docs`;
    await es.bulk({ refresh: true, operations: ids.flatMap((id) => [{ index: { _index: index, _id: String(id) } }, { text: "text" }]) });
  },
  async chroma(slice) {
    const chroma = await slice.client("chroma");
    const collection = await chroma.createCollection({ name: "docs", embeddingFunction: null });
    await collection.add({ ids: ids.map(String), embeddings: ids.map((id) => [id, 1, 0]), documents: ids.map(() => "text") });
  },
  async neo4j(slice) {
    const driver = await slice.client("neo4j");
    await driver.executeQuery("UNWIND range(1, $records) AS id CREATE (:Doc { id: id })", { records });
  },
};

/**
 * Milliseconds of `slice.reset(service)` with 1,000 records in the slice's part of each service,
 * `rounds` times, the services in a different order each round.
 */
export async function sliceResets(rounds: number): Promise<Record<Sliced, number[]>> {
  const stack = await bootStack({ services: slicedServices });
  const times = Object.fromEntries(slicedServices.map((name) => [name, [] as number[]])) as Record<Sliced, number[]>;
  try {
    const slice = await stack.slice("bench");
    const release = await slice.lease("neo4j");
    for (let round = 0; round < rounds; round++) {
      const order = [...slicedServices.slice(round % slicedServices.length), ...slicedServices.slice(0, round % slicedServices.length)];
      for (const name of order) {
        await fill[name](slice);
        const started = performance.now();
        await slice.reset(name);
        times[name].push(performance.now() - started);
      }
    }
    await release();
  } finally {
    await stack.stop();
  }
  return times;
}
