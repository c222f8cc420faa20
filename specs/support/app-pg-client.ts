import pg from "pg";
import type { Stack } from "../../harness/index.ts";

/**
 * A Postgres client of pgvector's host endpoint as an app holds one: no query waits longer than
 * `queryTimeoutMs`, and a lost connection is an event it listens to, not a crash of the process.
 */
export async function appPgClient(stack: Stack, queryTimeoutMs: number): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: stack.hostEndpoint("pgvector").url, query_timeout: queryTimeoutMs });
  client.on("error", () => {});
  await client.connect();
  return client;
}

/** The rows of a table, counted on a new connection (one an earlier fault left alone). */
export async function freshCount(stack: Stack, table: string): Promise<number> {
  const client = new pg.Client({ connectionString: stack.hostEndpoint("pgvector").url });
  await client.connect();
  try {
    const { rows } = await client.query<{ count: string }>(`SELECT count(*) FROM ${table}`);
    return Number(rows[0]!.count);
  } finally {
    await client.end();
  }
}
