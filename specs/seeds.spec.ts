import { cp, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { bootStack, StackError, type Seeds, type ServiceName, type Stack } from "../harness/index.ts";
import { getContainerRuntimeClient } from "testcontainers";
import { publishedModels } from "../harness/catalog/models/tiny-model.ts";
import { removeRun } from "../harness/cleanup/removal.ts";
import { leftovers } from "./support/leftovers.ts";
import { contentsOf, fixtureSeeds, stateful, writeTo, type Contents, type Stateful } from "./support/store-contents.ts";

/** What fixtures/rag-app/seeds puts in each store: rows, keys, documents, records, and nodes plus relationships. */
const seededCounts: Record<Stateful, number> = { pgvector: 3, redis: 4, elasticsearch: 3, chroma: 3, neo4j: 5 };

describe("seeds, applied once per stack", () => {
  let stack: Stack<Stateful>;
  let seedDir: string;
  const seeded = {} as Record<Stateful, Contents>;

  beforeAll(async () => {
    // A copy, so that a test can change the files after the boot.
    seedDir = await mkdtemp(join(tmpdir(), "stack-seeds-"));
    await cp("fixtures/rag-app/seeds", seedDir, { recursive: true });
    stack = await bootStack({ services: stateful, seeds: fixtureSeeds(seedDir) });
    for (const name of stateful) seeded[name] = await contentsOf[name](stack);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it.each(stateful)("%s: the stack's own data holds the seeds", (name) => {
    expect(seeded[name].count).toBe(seededCounts[name]);
  });

  it.each(stateful.filter((name) => name !== "neo4j"))("%s: a slice opens holding exactly the seeds, and reset returns to them after writes", async (name) => {
    const slice = await stack.slice(`seeded_${name}`);
    expect(await contentsOf[name](slice)).toEqual(seeded[name]);
    await writeTo[name](slice, 5);
    expect((await contentsOf[name](slice)).count).toBe(seededCounts[name] + 5);
    await slice.reset(name);
    expect(await contentsOf[name](slice)).toEqual(seeded[name]);
  });

  it("neo4j: a lease is held with exactly the seeds, also after the last holder's writes", async () => {
    const [a, b] = [await stack.slice("graph_a"), await stack.slice("graph_b")];
    const releaseA = await a.lease("neo4j");
    expect(await contentsOf.neo4j(a)).toEqual(seeded.neo4j);
    await writeTo.neo4j(a, 2);
    expect((await contentsOf.neo4j(a)).count).toBe(seededCounts.neo4j + 6);
    await releaseA();
    const releaseB = await b.lease("neo4j");
    expect(await contentsOf.neo4j(b)).toEqual(seeded.neo4j);
    const driver = await b.client("neo4j");
    const { records } = await driver.executeQuery("SHOW CONSTRAINTS YIELD name");
    expect(records.map((record) => record.get("name"))).toEqual(["document_id"]);
    await releaseB();
  });

  it("elasticsearch: a slice's new index gets the seeded template, under the slice's prefix", async () => {
    const slice = await stack.slice("templated");
    const es = await slice.client("elasticsearch");
    await es.index({ index: "slice-templated-docs_new", document: { title: "a b" }, refresh: true });
    const mapping = await es.indices.getMapping({ index: "slice-templated-docs_new" });
    expect(mapping["slice-templated-docs_new"]!.mappings.properties!.title).toEqual({ type: "keyword" });
  });

  it("pgvector, redis: the seeds keep what the files say, e.g. quoted semicolons, functions and expiries", async () => {
    const slice = await stack.slice("details");
    const pg = await slice.client("pgvector");
    expect((await pg.query("SELECT title, title_length(title) AS length FROM documents ORDER BY id")).rows).toEqual([
      { title: "alpha; the first", length: 16 },
      { title: "beta", length: 4 },
      { title: "it's gamma", length: 10 },
    ]);
    const redis = await slice.client("redis");
    expect(await redis.get("greeting")).toBe("hello; world");
    expect(await redis.lRange("recent", 0, -1)).toEqual(["alpha", "beta", "it's gamma"]);
    expect(await redis.pTTL("session:1")).toBeGreaterThan(3_000_000);
  });

  it("are not read again: a reset after the files changed still gives the seeds of the boot", async () => {
    await writeFile(join(seedDir, "cache.redis"), "SET changed yes\n");
    await writeFile(join(seedDir, "schema.sql"), "CREATE TABLE changed (a int);\n");
    const slice = await stack.slice("after_change");
    await stack.reset();
    expect(await contentsOf.redis(slice)).toEqual(seeded.redis);
    expect(await contentsOf.pgvector(slice)).toEqual(seeded.pgvector);
    expect(await contentsOf.redis(stack)).toEqual(seeded.redis);
  });
});

/** Seeds that a service refuses: [service, the file's name and text, where the error points, the statement it names]. */
const failingSeeds: Array<[ServiceName, string, string, string, string]> = [
  ["pgvector", "broken.sql", "CREATE TABLE a (id int);\n\nINSERT INTO missing_table VALUES (1);\n", "broken.sql:3", "INSERT INTO missing_table VALUES (1)"],
  ["redis", "broken.redis", "SET a 1\n# a comment\nHSET only_a_key\n", "broken.redis:3", "HSET only_a_key"],
  ["neo4j", "broken.cypher", "CREATE (:A);\n// next\nCREATE (:B {);\n", "broken.cypher:3", "CREATE (:B {)"],
  ["elasticsearch", "broken.ndjson", '{"index":{"_index":"docs"}}\n{"n":1}\n{"index":{"_index":"docs"}}\n{"n":"not a number"}\n', "broken.ndjson:3", '{\\"index\\":{\\"_index\\":\\"docs\\"}}'],
  ["chroma", "broken.json", '{ "name": "docs", "ids": ["a", "b"], "embeddings": [[1, 0]] }', "broken.json", "collection docs"],
];

/** The seed that holds the broken file; Elasticsearch's bulk file goes to an index mapping `n` as a number. */
const seedOf = (name: ServiceName, file: string): Seeds =>
  ({
    pgvector: { pgvector: { sql: [file] } },
    redis: { redis: { commands: [file] } },
    neo4j: { neo4j: { cypher: [file] } },
    elasticsearch: { elasticsearch: { indices: { docs: join(dirname(file), "numbers.json") }, bulk: [file] } },
    chroma: { chroma: { collections: [file] } },
  })[name as Stateful];

describe("a seed that fails", () => {
  afterEach(async () => {
    expect(await leftovers()).toEqual([]);
  });

  it.each(failingSeeds)("%s: fails the boot naming the file, the line and the statement, and leaves nothing behind", async (name, fileName, text, at, statement) => {
    const dir = await mkdtemp(join(tmpdir(), "broken-seed-"));
    const file = join(dir, fileName);
    await writeFile(file, text);
    await writeFile(join(dir, "numbers.json"), JSON.stringify({ mappings: { properties: { n: { type: "integer" } } } }));
    const error = await bootStack({ services: [name as Stateful], seeds: seedOf(name, file) }).then(
      async (stack) => (await stack.stop(), expect.fail("the boot should have failed")),
      (failed: unknown) => failed as StackError,
    );
    expect(error).toBeInstanceOf(StackError);
    expect(error.code).toBe("seed-failed");
    expect(error.service).toBe(name);
    expect(error.message).toContain(`${dir}/${at}`);
    expect(error.message).toContain(statement);
  });
});

describe("seeds of a reused stack", () => {
  afterEach(async () => {
    expect(await leftovers()).toEqual([]);
  });

  it("are applied by the boot that makes the stack; the boot that adopts it finds them, Neo4j's seeded again", async () => {
    const services = ["redis", "neo4j"] as const;
    const seeds = { redis: fixtureSeeds().redis, neo4j: fixtureSeeds().neo4j };
    const first = await bootStack({ services, seeds, reuse: true });
    try {
      const own = await first.slice("kept");
      await writeTo.redis(own, 2);
      const redisSeed = await contentsOf.redis(await first.slice("reference"));
      await first.stop();

      const second = await bootStack({ services, seeds, reuse: true });
      expect(second.reuse).toMatchObject({ key: first.reuse!.key, adopted: true });
      const slice = await second.slice("kept");
      expect(await contentsOf.redis(slice)).toEqual(redisSeed);
      const release = await slice.lease("neo4j");
      expect((await contentsOf.neo4j(slice)).count).toBe(seededCounts.neo4j);
      await release();
      await second.stop();
    } finally {
      await removeRun(await getContainerRuntimeClient(), first.runId);
    }
  });
});

describe("an Ollama seed", () => {
  afterEach(async () => {
    expect(await leftovers()).toEqual([]);
  });

  it("pulls each model it names once per stack, and one it cannot pull fails the boot naming the model", async () => {
    // The registry also serves the tiny model as tiny-llama:seeded, which only the seed pulls.
    const models = await mkdtemp(join(tmpdir(), "seed-models-"));
    await cp(await publishedModels(), models, { recursive: true });
    await cp(join(models, "manifests/library/tiny-llama/latest"), join(models, "manifests/library/tiny-llama/seeded"));
    const seeded = "model-registry:5000/library/tiny-llama:seeded";
    process.env.STACK_HARNESS_MODELS_DIR = models;
    try {
      const stack = await bootStack({ services: ["ollama", "model-registry"], seeds: { ollama: { models: [seeded] } } });
      try {
        const ollama = await stack.client("ollama");
        const { models: listed } = await ollama.list();
        expect(listed.map((model) => model.name)).toEqual(expect.arrayContaining([stack.settings.ollamaModel, seeded]));
        // Ollama's models outlive the stack in its cache volume: the next run must pull it again.
        await ollama.delete({ model: seeded });
      } finally {
        await stack.stop();
      }
    } finally {
      delete process.env.STACK_HARNESS_MODELS_DIR;
    }
    const missing = "model-registry:5000/library/no-such-model:latest";
    const error = await bootStack({ services: ["ollama", "model-registry"], seeds: { ollama: { models: [missing] } } }).then(
      async (booted) => (await booted.stop(), expect.fail("the boot should have failed")),
      (failed: unknown) => failed as StackError,
    );
    expect(error.code).toBe("seed-failed");
    expect(error.service).toBe("ollama");
    expect(error.message).toContain(`the model ${missing}`);
  });
});
