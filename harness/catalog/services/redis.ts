import { createClient, type RedisClientType } from "redis";
import { StackError } from "../../errors.ts";
import { defineService, quickToStart } from "../service-spec.ts";

const trapPassword = "stack-harness-trap";
/** Redis keeps 16 logical databases; the stack's own data is in 0. */
const logicalDatabases = 16;

export const redis = defineService<RedisClientType>({
  name: "redis",
  upstreamImage: "redis:7.4.11-alpine",
  lookalike: { base: "bookworm" },
  port: 6379,
  environment: {},
  command: ["redis-server", "--appendonly", "yes", "--appendfsync", "always", "--maxmemory", "256mb"],
  dataDir: "/data",
  healthcheck: {
    command: (host) => `redis-cli -h ${host} -p 6379 ping | grep -q PONG`,
    ...quickToStart,
  },
  unfitWhileServing: {
    description: "a password is required (NOAUTH)",
    spring: `redis-cli -h 127.0.0.1 config set requirepass ${trapPassword} | grep -q OK`,
    restore: `REDISCLI_AUTH=${trapPassword} redis-cli -h 127.0.0.1 config set requirepass '' | grep -q OK`,
  },
  healthcheckPitfalls: [
    {
      matches: (command) => /\bredis-cli\b.*\bping\b/i.test(command) && !/PONG/.test(command),
      problem: "redis-cli ping exits 0 on every reply, also NOAUTH (a password is required) and LOADING (still reading its data)",
    },
  ],
  startupTimeoutMs: 30_000,
  memoryMiB: 384,
  stopTimeoutSeconds: 10,
  dependsOn: [],
  absentTools: ["bash", "curl"],
  slicing: {
    method: `its own logical database (\`SELECT n\`): ${logicalDatabases - 1} slices at most`,
    variables: (slice) => ({ REDIS_DB: String(slice.index) }),
    async open({ url }, slice) {
      if (slice.index >= logicalDatabases) {
        throw new StackError({
          code: "too-many-slices",
          service: "redis",
          problem: `keeps ${logicalDatabases} logical databases, so it has room for ${logicalDatabases - 1} slices, not ${slice.index}.`,
          fix: `run at most ${logicalDatabases - 1} test workers (vitest's maxWorkers), or open fewer slices.`,
        });
      }
      const client: RedisClientType = createClient({ url: `${url}/${slice.index}` });
      await client.connect();
      try {
        await client.flushDb();
      } finally {
        await client.close();
      }
    },
  },
  appEnvironment: (url) => ({ REDIS_URL: url }),
  url: (host, port, environment) => `redis://${host}:${port}${environment.REDIS_DB ? `/${environment.REDIS_DB}` : ""}`,
  client: {
    async connect({ url }) {
      const client: RedisClientType = createClient({ url });
      client.on("error", () => {}); // a restart ends the connection; commands reject until it reconnects
      await client.connect();
      return client;
    },
    close: async (client) => {
      if (client.isOpen) await client.close();
    },
  },
});
