import type pg from "pg";
import { defineService, quickToStart } from "../service-spec.ts";
import { connected, pgvectorSeeding, pgvectorSlicing, type PgvectorSeed } from "./pgvector-data.ts";

const user = "stack";
const password = "stack-password";
const database = "stack";

export const pgvector = defineService<pg.Client, PgvectorSeed>({
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
  slicing: pgvectorSlicing,
  seeding: pgvectorSeeding,
  appEnvironment: (url) => ({ DATABASE_URL: url }),
  url: (host, port, env) =>
    `postgres://${encodeURIComponent(env.POSTGRES_USER ?? "postgres")}:${encodeURIComponent(env.POSTGRES_PASSWORD ?? "")}@${host}:${port}/${encodeURIComponent(env.POSTGRES_DB ?? env.POSTGRES_USER ?? "postgres")}`,
  client: {
    connect: ({ url }) => connected(url),
    close: (client) => client.end(),
  },
});
