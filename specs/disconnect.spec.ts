import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StartedTestContainer } from "testcontainers";
import { appPgClient, freshCount } from "./support/app-pg-client.ts";
import { elapsedMs } from "./support/settling.ts";
import { run, startSibling } from "./support/sibling.ts";
import { useStack } from "./support/stack-under-test.ts";

const rows = 1_000;
const stack = useStack(["pgvector", "redis"]);
let sibling: StartedTestContainer;

beforeAll(async () => {
  // A Postgres client container on the stack network, as an app container is.
  sibling = await startSibling(stack(), "pgvector");
});
afterAll(async () => {
  await sibling?.stop();
});

const resolves = async (name: string) => (await run(sibling, `getent hosts ${name}`)).exitCode === 0;
const connectFromHost = async () => {
  const client = new pg.Client({ connectionString: stack().hostEndpoint("pgvector").url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    return (await client.query("SELECT 1 AS one")).rows[0].one as number;
  } finally {
    await client.end().catch(() => {});
  }
};

describe("a disconnected service", () => {
  it("stops answering at its name and its host endpoint, and comes back at both on reconnect with its data", async () => {
    const db = await appPgClient(stack(), 1_500);
    await db.query("CREATE TABLE cut (id int PRIMARY KEY)");
    await db.query("INSERT INTO cut SELECT generate_series(1, $1)", [rows]);
    const endpoint = stack().hostEndpoint("pgvector");
    // Negative controls: before the cut, the name resolves and the host endpoint serves.
    expect(await resolves("pgvector")).toBe(true);
    expect(await connectFromHost()).toBe(1);

    await stack().disconnect("pgvector");
    expect(await resolves("pgvector")).toBe(false);
    const refusedMs = await elapsedMs(() => expect(connectFromHost()).rejects.toThrow(/ECONNREFUSED|ECONNRESET|timeout|terminated/i));
    // The open connection from this machine fails: Docker's port forwarder for it goes with the network (an
    // engine without one leaves it unanswered until the app's own timeout).
    const openFailure = await db.query("SELECT 1").then(() => "answered", (error: Error) => error.message);
    expect(openFailure).toMatch(/connection error|timeout|terminated/i);
    expect(await resolves("redis")).toBe(true); // the others stay on the network

    const reconnecting = performance.now();
    await stack().reconnect("pgvector");
    expect(stack().hostEndpoint("pgvector")).toEqual(endpoint);
    expect(await connectFromHost()).toBe(1);
    const backMs = performance.now() - reconnecting;
    expect(await resolves("pgvector")).toBe(true);
    expect((await run(sibling, "pg_isready -h pgvector -p 5432")).exitCode).toBe(0);
    const counted = await freshCount(stack(), "cut");
    await db.end().catch(() => {});
    console.log(`disconnect: a new connection was refused after ${Math.round(refusedMs)} ms; the open one failed with "${openFailure}"; served again ${Math.round(backMs)} ms after reconnect`);
    expect(counted).toBe(rows);
  });

  it("cut off mid-transaction, commits nothing of it and keeps every transaction committed before", async () => {
    const db = await appPgClient(stack(), 1_500);
    await db.query("CREATE TABLE ledger (id int PRIMARY KEY)");
    for (let id = 1; id <= 100; id++) await db.query("INSERT INTO ledger VALUES ($1)", [id]); // each its own transaction
    await db.query("BEGIN");
    await db.query("INSERT INTO ledger SELECT generate_series(101, 200)");

    await stack().disconnect("pgvector");
    await expect(db.query("COMMIT")).rejects.toThrow();
    await stack().reconnect("pgvector");

    // Rows 101 to 200 were never committed: the server rolls the cut-off session back.
    expect(await freshCount(stack(), "ledger")).toBe(100);
    await db.end().catch(() => {});
  });

  it("is reconnected by heal(), and disconnecting twice changes nothing", async () => {
    await stack().disconnect("redis");
    await stack().disconnect("redis");
    expect(await resolves("redis")).toBe(false);
    await stack().heal("redis");
    expect(await resolves("redis")).toBe(true);
    expect(await (await stack().client("redis")).ping()).toBe("PONG");
  });
});
