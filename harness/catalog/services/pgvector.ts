import pg from "pg";
import { defineService, quickToStart } from "../service-spec.ts";

const user = "stack";
const password = "stack-password";
const database = "stack";
/** The database every slice is created from: it holds the vector extension. */
const sliceTemplate = "stack_slice_template";

async function connected(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  client.on("error", () => {}); // a restart ends the connection; the next query then rejects
  await client.connect();
  return client;
}

/** The URL of another database of the same server. */
function onDatabase(url: string, name: string): string {
  const other = new URL(url);
  other.pathname = `/${name}`;
  return other.href;
}

export const pgvector = defineService<pg.Client>({
  name: "pgvector",
  upstreamImage: "pgvector/pgvector:0.8.6-pg17-bookworm",
  lookalike: { base: "trixie" },
  port: 5432,
  environment: { POSTGRES_USER: user, POSTGRES_PASSWORD: password, POSTGRES_DB: database },
  command: ["postgres", "-c", "shared_buffers=64MB"],
  dataDir: "/var/lib/postgresql/data",
  healthcheck: {
    command: (host) => `pg_isready -h ${host} -p 5432 -U "$POSTGRES_USER" -d "$POSTGRES_DB"`,
    ...quickToStart,
  },
  healthcheckPitfalls: [
    {
      matches: (command) => /\bpg_isready\b/.test(command) && !/(\s-h|--host)\b/.test(command),
      problem: "pg_isready without -h asks the Unix socket, which answers during initdb's temporary server, before Postgres listens on TCP",
    },
  ],
  startupTimeoutMs: 60_000,
  memoryMiB: 512,
  stopTimeoutSeconds: 10,
  dependsOn: [],
  absentTools: ["curl", "wget", "nc"],
  slicing: {
    method: "its own database, created from a template database that holds the vector extension",
    variables: (slice) => ({ POSTGRES_DB: `slice_${slice.name}` }),
    async open({ url }, slice) {
      const admin = await connected(url);
      try {
        const { rowCount } = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [sliceTemplate]);
        if (!rowCount) {
          await admin.query(`CREATE DATABASE ${sliceTemplate}`);
          const template = await connected(onDatabase(url, sliceTemplate));
          await template.query("CREATE EXTENSION IF NOT EXISTS vector").finally(() => template.end());
        }
        await admin.query(`DROP DATABASE IF EXISTS slice_${slice.name} WITH (FORCE)`);
        await admin.query(`CREATE DATABASE slice_${slice.name} TEMPLATE ${sliceTemplate}`);
      } finally {
        await admin.end();
      }
    },
  },
  appEnvironment: (url) => ({ DATABASE_URL: url }),
  url: (host, port, env) =>
    `postgres://${encodeURIComponent(env.POSTGRES_USER ?? "postgres")}:${encodeURIComponent(env.POSTGRES_PASSWORD ?? "")}@${host}:${port}/${encodeURIComponent(env.POSTGRES_DB ?? env.POSTGRES_USER ?? "postgres")}`,
  client: {
    connect: ({ url }) => connected(url),
    close: (client) => client.end(),
  },
});
