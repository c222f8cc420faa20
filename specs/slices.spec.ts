import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootStack, StackError, type Stack } from "../harness/index.ts";

const sliced = ["pgvector", "redis", "elasticsearch", "chroma"] as const;
type Sliced = (typeof sliced)[number];

/** What a test sees of the stack: the stack's own data, or a slice of it. */
interface View {
  client: Stack<Sliced>["client"];
  /** The variables an app on this machine reads. */
  environment: Record<string, string>;
}

/** Per store: writes `count` records with ids from `first` through the view, and counts what the view sees. */
const stores: Record<Sliced, { write(view: View, count: number, first?: number): Promise<void>; count(view: View): Promise<number> }> = {
  pgvector: {
    async write(view, count, first = 0) {
      const pg = await view.client("pgvector");
      await pg.query("CREATE EXTENSION IF NOT EXISTS vector");
      await pg.query("CREATE TABLE IF NOT EXISTS docs (id int PRIMARY KEY, embedding vector(3))");
      for (let id = first; id < first + count; id++) await pg.query("INSERT INTO docs VALUES ($1, $2)", [id, `[${id},1,0]`]);
    },
    async count(view) {
      const pg = await view.client("pgvector");
      const exists = await pg.query("SELECT to_regclass('docs') AS docs");
      if (!exists.rows[0].docs) return 0;
      return Number((await pg.query("SELECT count(*) AS n FROM docs")).rows[0].n);
    },
  },
  redis: {
    async write(view, count, first = 0) {
      const redis = await view.client("redis");
      for (let id = first; id < first + count; id++) await redis.set(`doc:${id}`, "text");
    },
    count: async (view) => (await view.client("redis")).dbSize(),
  },
  elasticsearch: {
    async write(view, count, first = 0) {
      const es = await view.client("elasticsearch");
      const index = `${view.environment.ELASTICSEARCH_INDEX_PREFIX ?? ""}docs`;
      const operations = Array.from({ length: count }, (_, offset) => [{ index: { _index: index, _id: String(first + offset) } }, { text: "text" }]).flat();
      expect((await es.bulk({ operations, refresh: true })).errors).toBe(false);
    },
    async count(view) {
      const es = await view.client("elasticsearch");
      const index = `${view.environment.ELASTICSEARCH_INDEX_PREFIX ?? ""}docs`;
      if (!(await es.indices.exists({ index }))) return 0;
      return (await es.count({ index })).count;
    },
  },
  chroma: {
    async write(view, count, first = 0) {
      const chroma = await view.client("chroma");
      const collection = await chroma.getOrCreateCollection({ name: "docs", embeddingFunction: null });
      const ids = Array.from({ length: count }, (_, offset) => String(first + offset));
      await collection.add({ ids, embeddings: ids.map((id) => [Number(id), 1, 0]), documents: ids.map(() => "text") });
    },
    async count(view) {
      const chroma = await view.client("chroma");
      const collections = await chroma.listCollections();
      if (!collections.some((collection) => collection.name === "docs")) return 0;
      return (await chroma.getCollection({ name: "docs" })).count();
    },
  },
};

describe("slices of one stack", () => {
  let stack: Stack<Sliced>;
  const own = (): View => ({ client: (name) => stack.client(name), environment: stack.appEnvironment() });
  const sliceView = async (name: string): Promise<View> => {
    const slice = await stack.slice(name);
    return { client: (service) => slice.client(service), environment: slice.appEnvironment("host") };
  };

  beforeAll(async () => {
    stack = await bootStack({ services: sliced });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it.each(sliced)("%s: each slice sees exactly its own writes, none of the other slice's nor the stack's", async (name) => {
    const [a, b] = [await sliceView(`${name}_a`), await sliceView(`${name}_b`)];
    await stores[name].write(a, 3);
    await stores[name].write(b, 5);
    expect(await stores[name].count(a)).toBe(3);
    expect(await stores[name].count(b)).toBe(5);
    expect(await stores[name].count(own())).toBe(0);
  });

  it.each(sliced)("%s: without slices, two test files see each other's writes (negative control)", async (name) => {
    await stores[name].write(own(), 3);
    await stores[name].write(own(), 5, 100);
    expect(await stores[name].count(own())).toBe(8);
  });

  it.each(sliced)("%s: opening a slice again, or resetting it, empties it (no seed)", async (name) => {
    const slice = await stack.slice("reset_me");
    const view = { client: slice.client.bind(slice) as View["client"], environment: slice.appEnvironment("host") };
    await stores[name].write(view, 4);
    expect(await stores[name].count(view)).toBe(4);
    await slice.reset(name);
    expect(await stores[name].count(view)).toBe(0);
    await stores[name].write(view, 2);
    await stack.slice("reset_me");
    expect(await stores[name].count(view)).toBe(0);
  });

  it("gives a pgvector slice the vector extension from its template database", async () => {
    const slice = await stack.slice("fresh");
    const pg = await slice.client("pgvector");
    expect((await pg.query("SELECT extname FROM pg_extension WHERE extname = 'vector'")).rows).toEqual([{ extname: "vector" }]);
    expect((await pg.query("SELECT current_database() AS name")).rows[0].name).toBe("slice_fresh");
  });

  it("hands an app its slice's variables, for this machine and for the stack network", async () => {
    const slice = await stack.slice("app");
    const host = slice.appEnvironment("host");
    expect(new URL(host.DATABASE_URL!).pathname).toBe("/slice_app");
    expect(host.REDIS_URL).toBe(`${stack.hostEndpoint("redis").url}/${slice.index}`);
    expect(host.ELASTICSEARCH_INDEX_PREFIX).toBe("slice-app-");
    expect(host).toMatchObject({ CHROMA_TENANT: "default_tenant", CHROMA_DATABASE: "slice_app" });
    const network = slice.appEnvironment("network");
    expect(network.DATABASE_URL).toBe(`postgres://stack:stack-password@pgvector:5432/slice_app`);
    expect(network.REDIS_URL).toBe(`redis://redis:6379/${slice.index}`);
    expect(stack.appEnvironment().DATABASE_URL).toBe("postgres://stack:stack-password@pgvector:5432/stack");
  });

  it("refuses a slice name that a store cannot carry", async () => {
    const error = await stack.slice("Worker 1").then(
      () => expect.fail("the slice should have been refused"),
      (failed: unknown) => failed as StackError,
    );
    expect(error).toBeInstanceOf(StackError);
    expect(error.code).toBe("invalid-slice");
  });
});

describe("a Redis slice beyond its 14 logical databases", () => {
  it("is refused, naming the limit and the fix", async () => {
    await using stack = await bootStack({ services: ["redis"] });
    for (let index = 1; index <= 14; index++) await stack.slice(`w${index}`);
    const error = await stack.slice("w15").then(
      () => expect.fail("the 15th slice should have been refused"),
      (failed: unknown) => failed as StackError,
    );
    expect(error.code).toBe("too-many-slices");
    expect(error.message).toMatch(/redis: keeps 16 logical databases, so it has room for 14 slices \(database 0 is the stack's, 15 holds snapshots\), not 15/);
    expect(error.fix).toMatch(/maxWorkers/);
  });
});

describe("a lease of Neo4j, whose Community edition has one user database", () => {
  it("goes to one slice at a time, emptied of the last holder's nodes and constraints (no seed)", async () => {
    await using stack = await bootStack({ services: ["neo4j"] });
    const [a, b] = [await stack.slice("a"), await stack.slice("b")];
    const nodes = async () => (await (await stack.client("neo4j")).executeQuery("MATCH (n) RETURN count(n) AS n")).records[0]!.get("n").toNumber();
    const constraints = async () => (await (await stack.client("neo4j")).executeQuery("SHOW CONSTRAINTS")).records.length;

    const releaseA = await a.lease("neo4j");
    const driver = await a.client("neo4j");
    await driver.executeQuery("CREATE CONSTRAINT doc_id FOR (d:Doc) REQUIRE d.id IS UNIQUE");
    await driver.executeQuery("UNWIND range(1, 3) AS id CREATE (:Doc { id: id })");
    expect(await nodes()).toBe(3);

    let bHolds = false;
    const leaseB = b.lease("neo4j").then((release) => ((bHolds = true), release));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(bHolds).toBe(false);

    await releaseA();
    const releaseB = await leaseB;
    expect(await nodes()).toBe(0);
    expect(await constraints()).toBe(0);
    await releaseB();
  });

  it("is refused for a service that every slice has a part of", async () => {
    await using stack = await bootStack({ services: ["redis"] });
    const slice = await stack.slice("a");
    const error = await slice.lease("redis").then(
      () => expect.fail("the lease should have been refused"),
      (failed: unknown) => failed as StackError,
    );
    expect(error.code).toBe("invalid-slice");
    expect(error.message).toMatch(/redis: is not leased/);
  });
});
