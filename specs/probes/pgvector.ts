import { expect } from "vitest";
import type { RecordStore, ServiceProbe } from "./probe.ts";
import { payload, recordsSurvive } from "./records.ts";

/** Records as the persistence and crash-durability specs write and count them. */
export const pgvectorRecords: RecordStore = {
  write: async (stack, count) => {
    const client = await stack.client("pgvector");
    await client.query("CREATE TABLE acknowledged (id integer PRIMARY KEY, payload text NOT NULL)");
    for (let id = 0; id < count; id++) {
      const result = await client.query("INSERT INTO acknowledged (id, payload) VALUES ($1, $2)", [id, payload(id)]);
      expect(result.rowCount).toBe(1);
    }
  },
  countIntact: async (stack, count) => {
    const client = await stack.client("pgvector");
    const { rows } = await client.query<{ id: number; payload: string }>(
      "SELECT id, payload FROM acknowledged WHERE id < $1",
      [count],
    );
    return rows.filter((row) => row.payload === payload(row.id)).length;
  },
};

export const pgvectorProbe: ServiceProbe = {
  async roundTrip(stack) {
    const client = await stack.client("pgvector");
    await client.query("CREATE EXTENSION IF NOT EXISTS vector");
    await client.query("CREATE TABLE documents (id serial PRIMARY KEY, title text, embedding vector(3))");
    await client.query(
      `INSERT INTO documents (title, embedding) VALUES
         ('cats', '[1, 0, 0]'), ('dogs', '[0, 1, 0]'), ('birds', '[0, 0, 1]')`,
    );
    const nearest = await client.query("SELECT title FROM documents ORDER BY embedding <-> '[0.1, 0.9, 0.2]' LIMIT 1");
    expect(nearest.rows).toEqual([{ title: "dogs" }]);
    const version = await client.query("SELECT extversion FROM pg_extension WHERE extname = 'vector'");
    expect(version.rows[0]?.extversion).toMatch(/^0\.\d+\.\d+$/);
    // Initialised with en_US.utf8 as upstream: text sorts by letter before case; "C" sorts by byte.
    const collation = await client.query("SELECT datcollate FROM pg_database WHERE datname = current_database()");
    expect(collation.rows[0]?.datcollate).toBe("en_US.utf8");
    const words = (order: string) => client.query(`SELECT w FROM unnest(ARRAY['b', 'B', 'a', 'A']) AS w ORDER BY w ${order}`).then(({ rows }) => rows.map((row) => row.w));
    expect(await words("")).toEqual(["a", "A", "b", "B"]);
    expect(await words('COLLATE "C"')).toEqual(["A", "B", "a", "b"]);
  },

  records: pgvectorRecords,
  persistence: recordsSurvive(pgvectorRecords),
};
