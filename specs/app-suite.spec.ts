import { rm } from "node:fs/promises";
import { join } from "node:path";
import { stripVTControlCharacters } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNode } from "./support/child-process.ts";
import { leftovers } from "./support/leftovers.ts";
import { installPackedApp } from "./support/packed-app.ts";

/** Test files of fixtures/rag-app, and the tests in them. */
const files = 6;
const tests = 7;

/**
 * A small RAG app's own suite (fixtures/rag-app), installed with stack-harness from the packed
 * tarball: six files on two workers, each ingesting documents into the seeded table, keys, index
 * and collection of pgvector, Redis, Elasticsearch and Chroma and citing them in Neo4j (leased),
 * and asserting exact counts of the seed plus its own; one file restarts Redis mid-run, another
 * crashes pgvector, and a third slows Elasticsearch (behind the fault proxy), while the other files go on.
 */
describe("an app's own suite on one shared stack", () => {
  let app: string;
  const suite = async (slices: "file" | "test" | "off") => {
    const run = startNode([join(app, "node_modules/vitest/vitest.mjs"), "run"], { ...process.env, SLICES: slices }, app);
    const code = await run.exited;
    return { code, output: stripVTControlCharacters(run.output()) };
  };

  beforeAll(async () => {
    app = await installPackedApp("fixtures/rag-app");
  });
  afterAll(async () => {
    if (app) await rm(app, { recursive: true, force: true });
  });

  it("passes five runs in a row, each file seeing exactly the seed and its own documents in every store", { timeout: 600_000 }, async () => {
    for (let run = 1; run <= 5; run++) {
      const started = Date.now();
      const { code, output } = await suite("file");
      console.log(`app suite run ${run}: exit ${code} in ${Date.now() - started} ms; ${output.match(/Duration .*/)?.[0]}`);
      expect(code, `run ${run}:\n${output}`).toBe(0);
      expect(output).toMatch(new RegExp(`Test Files +${files} passed \\(${files}\\)`));
      expect(output).toMatch(new RegExp(`Tests +${tests} passed \\(${tests}\\)`));
      expect(await leftovers()).toEqual([]);
    }
  });

  it('starts every test from the seed with slices: "test"', async () => {
    const { code, output } = await suite("test");
    expect(code, output).toBe(0);
    expect(output).toMatch(new RegExp(`Tests +${tests} passed \\(${tests}\\)`));
    expect(await leftovers()).toEqual([]);
  });

  it("collides without slices: the files see each other's documents (negative control)", async () => {
    const { code, output } = await suite("off");
    expect(code, output).toBe(1);
    expect(output).toMatch(/AssertionError: expected \{ pgvector: \d+|AssertionError: expected \d+ to be \d+|AssertionError: expected \[ 'alpha'/);
    expect(await leftovers()).toEqual([]);
  });
});
