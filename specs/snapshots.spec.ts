import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootStack, StackError, type Stack } from "../harness/index.ts";
import { contentsOf, fixtureSeeds, stateful, writeTo, type Stateful, type View } from "./support/store-contents.ts";

const sliced = stateful.filter((name) => name !== "neo4j");

/** Changes a store's data every way a test would: adds items, and removes or alters seeded ones. */
const alter: Record<Stateful, (view: View) => Promise<void>> = {
  async pgvector(view) {
    const pg = await view.client("pgvector");
    await pg.query("DELETE FROM documents WHERE title = 'beta'");
    await pg.query("UPDATE documents SET embedding = '[9,9,9]'");
    await pg.query("CREATE TABLE extra (id int)");
  },
  async redis(view) {
    const redis = await view.client("redis");
    await redis.del("greeting");
    await redis.rPush("recent", "delta");
    await redis.persist("session:1");
  },
  async elasticsearch(view) {
    const es = await view.client("elasticsearch");
    const prefix = view.appEnvironment("host").ELASTICSEARCH_INDEX_PREFIX ?? "";
    await es.delete({ index: `${prefix}docs`, id: "beta", refresh: true });
    await es.index({ index: `${prefix}docs_other`, document: { title: "other" }, refresh: true });
  },
  async chroma(view) {
    const chroma = await view.client("chroma");
    const docs = await chroma.getCollection({ name: "docs", embeddingFunction: null } as never);
    await docs.delete({ ids: ["beta"] });
    await docs.update({ ids: ["alpha"], embeddings: [[5, 5, 5]] });
    await chroma.createCollection({ name: "other", embeddingFunction: null } as never);
  },
  async neo4j(view) {
    const driver = await view.client("neo4j");
    await driver.executeQuery("MATCH (d:Document {id: 'beta'}) DETACH DELETE d");
    await driver.executeQuery("MATCH ()-[r:CITES]->() SET r.page = 0");
  },
};

describe("snapshots of a slice and of the stack", () => {
  let stack: Stack<Stateful>;

  beforeAll(async () => {
    stack = await bootStack({ services: stateful, seeds: fixtureSeeds() });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it.each(sliced)("%s: restore brings back exactly what the slice held at the snapshot", async (name) => {
    const slice = await stack.slice(`snap_${name}`);
    await writeTo[name](slice, 4);
    const taken = await contentsOf[name](slice);
    await slice.snapshot("four_more");
    await alter[name](slice);
    await writeTo[name](slice, 3, 200);
    expect(await contentsOf[name](slice)).not.toEqual(taken);
    await slice.restore("four_more");
    expect(await contentsOf[name](slice)).toEqual(taken);
    // A snapshot can be restored again, and a reset still returns to the seeds.
    await alter[name](slice);
    await slice.restore("four_more");
    expect(await contentsOf[name](slice)).toEqual(taken);
    await slice.reset(name);
    expect((await contentsOf[name](slice)).count).toBe((await contentsOf[name](await stack.slice("fresh_seeded"))).count);
  });

  it("neo4j: a slice holding the lease restores nodes, relationships, their properties and the constraint", async () => {
    const slice = await stack.slice("snap_graph");
    const release = await slice.lease("neo4j");
    try {
      await writeTo.neo4j(slice, 3);
      const taken = await contentsOf.neo4j(slice);
      await slice.snapshot("three_more");
      await alter.neo4j(slice);
      expect(await contentsOf.neo4j(slice)).not.toEqual(taken);
      await slice.restore("three_more");
      expect(await contentsOf.neo4j(slice)).toEqual(taken);
      const driver = await slice.client("neo4j");
      const { records } = await driver.executeQuery("SHOW CONSTRAINTS YIELD name");
      expect(records.map((record) => record.get("name"))).toEqual(["document_id"]);
    } finally {
      await release();
    }
  });

  it("restores one slice without touching another", async () => {
    const [a, b] = [await stack.slice("snap_a"), await stack.slice("snap_b")];
    await a.snapshot("start");
    await writeTo.redis(b, 2);
    await writeTo.pgvector(b, 2);
    const bBefore = [await contentsOf.redis(b), await contentsOf.pgvector(b)];
    await writeTo.redis(a, 7);
    await a.restore("start");
    expect([await contentsOf.redis(b), await contentsOf.pgvector(b)]).toEqual(bBefore);
  });

  it("restores the stack's own data across every stateful service, Neo4j while no slice holds it", async () => {
    for (const name of stateful) await writeTo[name](stack, 2, 300);
    const taken = await Promise.all(stateful.map((name) => contentsOf[name](stack)));
    await stack.snapshot("own");
    for (const name of stateful) await alter[name](stack);
    await stack.restore("own");
    expect(await Promise.all(stateful.map((name) => contentsOf[name](stack)))).toEqual(taken);
  });

  it.each([
    ["a snapshot never taken", (s: Stack<Stateful>) => s.restore("never"), "no-snapshot", /the stack's own data has no snapshot "never"/],
    ["a snapshot of another slice", async (s: Stack<Stateful>) => { await (await s.slice("x1")).snapshot("mine"); await (await s.slice("x2")).restore("mine"); }, "no-snapshot", /slice "x2" has no snapshot "mine"/],
    ["the seed's own snapshot name on the stack", (s: Stack<Stateful>) => s.snapshot("seed"), "invalid-slice", /"seed" of the stack's own data is the one its seeds made/],
    ["a snapshot name a store cannot carry", (s: Stack<Stateful>) => s.snapshot("Before Import"), "invalid-slice", /snapshot name must be 1 to 40 lower-case letters/],
    ["the stack's Neo4j while a slice holds it", async (s: Stack<Stateful>) => { const release = await (await s.slice("holder")).lease("neo4j"); try { await s.snapshot("while_leased"); } finally { await release(); } }, "leased", /neo4j: is leased to slice "holder"/],
    ["a slice's reset of Neo4j without the lease", async (s: Stack<Stateful>) => (await s.slice("no_lease")).reset("neo4j"), "leased", /neo4j: is not leased to slice "no_lease"/],
  ] as const)("refuses %s", async (_, act, code, problem) => {
    const error = await act(stack).then(
      () => expect.fail("it should have been refused"),
      (failed: unknown) => failed as StackError,
    );
    expect(error).toBeInstanceOf(StackError);
    expect(error.code).toBe(code);
    expect(error.message).toMatch(problem);
  });
});
