import { fileURLToPath } from "node:url";
import { stripVTControlCharacters } from "node:util";
import { describe, expect, it } from "vitest";
import { startNode } from "./support/child-process.ts";
import { leftovers } from "./support/leftovers.ts";

const vitest = fileURLToPath(new URL("../node_modules/vitest/vitest.mjs", import.meta.url));
const fixture = fileURLToPath(new URL("../fixtures/slice-runs", import.meta.url));

/** An app's suite on the preset: four files on two workers, each storing documents in pgvector, Redis, Elasticsearch and Chroma, and nodes in Neo4j (leased for that part), and counting them. */
async function appSuite(slices: "file" | "test" | "off"): Promise<{ code: number | null; output: string }> {
  const run = startNode([vitest, "run", "--root", fixture], { ...process.env, SLICES: slices });
  const code = await run.exited;
  return { code, output: stripVTControlCharacters(run.output()) };
}

describe("an app's test files on one shared stack", () => {
  it("each see exactly their own documents in every store, through the variables the preset sets", async () => {
    const { code, output } = await appSuite("file");
    expect(code, output).toBe(0);
    expect(output).toMatch(/Tests +5 passed \(5\)/);
    expect(await leftovers()).toEqual([]);
  });

  it("each start every test from an empty slice with slices: \"test\"", async () => {
    const { code, output } = await appSuite("test");
    expect(code, output).toBe(0);
    expect(output).toMatch(/Tests +5 passed \(5\)/);
    expect(await leftovers()).toEqual([]);
  });

  it("see each other's documents without slices (negative control)", async () => {
    const { code, output } = await appSuite("off");
    expect(code, output).toBe(1);
    expect(output).toMatch(/Tests +\d failed/);
    expect(output).toMatch(/AssertionError: expected \{ pgvector: \d+|AssertionError: expected \d+ to be \d+/);
    expect(await leftovers()).toEqual([]);
  });
});
