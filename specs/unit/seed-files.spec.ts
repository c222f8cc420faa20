import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cypherDialect, sqlDialect, statementsOf } from "../../harness/catalog/seed-files.ts";
import { redisWords } from "../../harness/catalog/services/redis-data.ts";

async function fileOf(text: string): Promise<string> {
  const file = join(await mkdtemp(join(tmpdir(), "seed-files-")), "seed");
  await writeFile(file, text);
  return file;
}

describe("a seed file", () => {
  it("is split at the semicolons outside SQL strings, comments and dollar quotes, each statement with its line", async () => {
    const file = await fileOf(
      ["-- a comment; not a statement", "CREATE TABLE t (a text);", "", "INSERT INTO t VALUES ('x;y'), ('it''s');", "CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;", "/* a; block */ SELECT 2"].join("\n"),
    );
    const statements = await statementsOf(file, sqlDialect);
    expect(statements.map(({ line, text }) => [line, text])).toEqual([
      [2, "CREATE TABLE t (a text)"],
      [4, "INSERT INTO t VALUES ('x;y'), ('it''s')"],
      [5, "CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql"],
      [6, "/* a; block */ SELECT 2"],
    ]);
  });

  it("keeps a backslash in SQL as a character, and escapes with it in Cypher", async () => {
    const sql = await fileOf("SELECT 'C:\\'; SELECT 2;");
    expect((await statementsOf(sql, sqlDialect)).map(({ text }) => text)).toEqual(["SELECT 'C:\\'", "SELECT 2"]);
    const cypher = await fileOf("CREATE (:A {q: 'it\\'s; one'});\n// two; three\nCREATE (:B);");
    expect((await statementsOf(cypher, cypherDialect)).map(({ line, text }) => [line, text])).toEqual([
      [1, "CREATE (:A {q: 'it\\'s; one'})"],
      [3, "CREATE (:B)"],
    ]);
  });

  it("gives no statement for a file of comments only", async () => {
    expect(await statementsOf(await fileOf("-- nothing\n\n-- at all;\n"), sqlDialect)).toEqual([]);
  });
});

describe("a Redis seed line", () => {
  it.each([
    ["SET a b", ["SET", "a", "b"]],
    ['SET greeting "hello; world"', ["SET", "greeting", "hello; world"]],
    ["RPUSH l 'it''s' x", ["RPUSH", "l", "it", "s", "x"]],
    ['SET nl "a\\nb"  ', ["SET", "nl", "a\nb"]],
  ])("%s is split as redis-cli splits it", (line, words) => {
    expect(redisWords(line)).toEqual(words);
  });

  it("with a quote left open is refused", () => {
    expect(redisWords('SET a "open')).toBeUndefined();
  });
});
