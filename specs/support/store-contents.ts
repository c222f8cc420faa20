import type { Stack, StackSlice } from "../../harness/index.ts";

export const stateful = ["pgvector", "redis", "elasticsearch", "chroma", "neo4j"] as const;
export type Stateful = (typeof stateful)[number];

/** What a test reads through: the stack's own data, or a slice. */
export type View = Pick<Stack<Stateful>, "client" | "appEnvironment"> | Pick<StackSlice<Stateful>, "client" | "appEnvironment">;

/** What a store holds, read back in full: its count (rows, keys, documents, records, nodes + relationships) and every item. */
export interface Contents {
  count: number;
  items: unknown[];
}

const sorted = <T>(items: T[]) => items.map((item) => JSON.stringify(item)).sort();

/** The seeds of the app fixture (fixtures/rag-app/seeds), as bootStack takes them. */
export const fixtureSeeds = (dir = "fixtures/rag-app/seeds") => ({
  pgvector: { sql: [`${dir}/schema.sql`] },
  redis: { commands: [`${dir}/cache.redis`] },
  elasticsearch: { templates: { docs: `${dir}/docs-template.json` }, bulk: [`${dir}/docs.ndjson`] },
  chroma: { collections: [`${dir}/collections.json`] },
  neo4j: { cypher: [`${dir}/graph.cypher`] },
});

/** Per store: reads everything the view sees of the app's data (the tables, keys, indices, collections and graph the fixtures use). */
export const contentsOf: Record<Stateful, (view: View) => Promise<Contents>> = {
  async pgvector(view) {
    const pg = await view.client("pgvector");
    const { rows: tables } = await pg.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename");
    const items: unknown[] = [];
    for (const { tablename } of tables) {
      const { rows } = await pg.query(`SELECT * FROM "${tablename}"`);
      items.push(...sorted(rows.map((row) => ({ table: tablename, ...row }))));
    }
    return { count: items.length, items };
  },
  async redis(view) {
    const redis = await view.client("redis");
    const keys = (await redis.keys("*")).sort();
    const items = await Promise.all(
      keys.map(async (key) => ({ key, type: await redis.type(key), dump: String(await redis.sendCommand(["DUMP", key])), expires: (await redis.pTTL(key)) > 0 })),
    );
    return { count: keys.length, items };
  },
  async elasticsearch(view) {
    const es = await view.client("elasticsearch");
    const prefix = view.appEnvironment("host").ELASTICSEARCH_INDEX_PREFIX ?? "";
    const indices = (await es.cat.indices({ index: `${prefix}docs*`, format: "json" })).map((index) => index.index!).sort();
    const items: unknown[] = [];
    for (const index of indices) {
      await es.indices.refresh({ index });
      const { hits } = await es.search({ index, size: 10_000, query: { match_all: {} } });
      items.push(...sorted(hits.hits.map((hit) => ({ index: index.slice(prefix.length), id: hit._id, source: hit._source }))));
    }
    return { count: items.length, items };
  },
  async chroma(view) {
    const chroma = await view.client("chroma");
    const items: unknown[] = [];
    for (const { name } of (await chroma.listCollections()).sort((a, b) => a.name.localeCompare(b.name))) {
      const collection = await chroma.getCollection({ name, embeddingFunction: null } as never);
      const records = await collection.get({ include: ["embeddings", "documents", "metadatas"] as never });
      items.push(...sorted(records.ids.map((id, at) => ({ collection: name, id, embedding: records.embeddings?.[at], document: records.documents?.[at], metadata: records.metadatas?.[at] }))));
    }
    return { count: items.length, items };
  },
  async neo4j(view) {
    const driver = await view.client("neo4j");
    const { records: nodes } = await driver.executeQuery("MATCH (n) RETURN labels(n) AS labels, properties(n) AS properties");
    const { records: relationships } = await driver.executeQuery("MATCH (a)-[r]->(b) RETURN properties(a) AS a, type(r) AS type, properties(r) AS properties, properties(b) AS b");
    const items = [...sorted(nodes.map((record) => record.toObject())), ...sorted(relationships.map((record) => record.toObject()))];
    return { count: items.length, items };
  },
};

/** Per store: writes `count` new items through the view, each with an id from `first`. */
export const writeTo: Record<Stateful, (view: View, count: number, first?: number) => Promise<void>> = {
  async pgvector(view, count, first = 100) {
    const pg = await view.client("pgvector");
    for (let id = first; id < first + count; id++) await pg.query("INSERT INTO documents (title, embedding) VALUES ($1, $2)", [`doc ${id}`, `[${id},1,0]`]);
  },
  async redis(view, count, first = 100) {
    const redis = await view.client("redis");
    for (let id = first; id < first + count; id++) await redis.set(`doc:${id}`, `text ${id}`);
  },
  async elasticsearch(view, count, first = 100) {
    const es = await view.client("elasticsearch");
    const index = `${view.appEnvironment("host").ELASTICSEARCH_INDEX_PREFIX ?? ""}docs`;
    const operations = Array.from({ length: count }, (_, offset) => [{ index: { _index: index, _id: `doc${first + offset}` } }, { title: `doc ${first + offset}` }]).flat();
    const result = await es.bulk({ operations, refresh: true });
    if (result.errors) throw new Error(`bulk failed: ${JSON.stringify(result.items[0])}`);
  },
  async chroma(view, count, first = 100) {
    const chroma = await view.client("chroma");
    const collection = await chroma.getOrCreateCollection({ name: "docs", embeddingFunction: null } as never);
    const ids = Array.from({ length: count }, (_, offset) => `doc${first + offset}`);
    await collection.add({ ids, embeddings: ids.map((_, at) => [first + at, 1, 0]), documents: ids });
  },
  async neo4j(view, count, first = 100) {
    const driver = await view.client("neo4j");
    await driver.executeQuery("UNWIND range($first, $last) AS id CREATE (:Document { id: 'doc' + id })-[:CITES { page: id }]->(:Source { name: 'src' + id })", {
      first,
      last: first + count - 1,
    });
  },
};
