import type pg from "pg";
import { defineService, quickToStart } from "../service-spec.ts";
import { connected, pgvectorSeeding, pgvectorSlicing, type PgvectorSeed } from "./pgvector-data.ts";

const user = "stack";
const password = "stack-password";
const database = "stack";

export const pgvector = defineService<pg.Client, PgvectorSeed>({
  name: "pgvector",
  upstreamImage: "pgvector/pgvector:0.8.6-pg17-bookworm",
  lookalike: {
    base: "trixie",
    version: "0.8.0",
    versionCommand: "grep default_version /usr/share/postgresql/17/extension/vector.control",
    differences: [
      "Debian trixie's PostgreSQL 17 and pgvector 0.8.0 (upstream: PostgreSQL 17 on bookworm with pgvector 0.8.6)",
      "its own entrypoint honoring `POSTGRES_PASSWORD`, `POSTGRES_USER`, `POSTGRES_DB`, `POSTGRES_HOST_AUTH_METHOD`, `POSTGRES_INITDB_ARGS`, `/docker-entrypoint-initdb.d` (`*.sh`, `*.sql`, `*.sql.gz`, `*.sql.xz`) and `postgres -c` passthrough, but not the `*_FILE` secret variants or `POSTGRES_INITDB_WALDIR`",
    ],
    alike: "initialised with `en_US.utf8` (`LANG`, made with `localedef`), so text sorts as upstream's; user `postgres` (999), data in `/var/lib/postgresql/data`, bash, `pg_isready` and `psql`, no curl, wget or nc",
  },
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
