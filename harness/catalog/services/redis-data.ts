import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { createClient, type RedisClientType } from "redis";
import { StackError } from "../../errors.ts";
import { fileListProblem, seedFailure } from "../seed-files.ts";
import { seedSnapshot, stackPart, type KeptData, type Seeding, type SliceRef, type Slicing } from "../service-spec.ts";

/** Redis keeps 16 logical databases: the stack's own data is in 0, the slices in 1 to 14, the snapshots in 15. */
const logicalDatabases = 16;
const snapshotDatabase = logicalDatabases - 1;
const mostSlices = snapshotDatabase - 1;

// A snapshot is a hash of DUMP payloads (and one of the keys' remaining milliseconds) in the
// snapshot database, each moved by one script on the server: 1,000 keys in a few milliseconds.
const takeSnapshot = `
redis.call('SELECT', ARGV[1])
local keys = redis.call('KEYS', '*')
local dumps, ttls = {}, {}
for _, key in ipairs(keys) do
  dumps[#dumps + 1] = key
  dumps[#dumps + 1] = redis.call('DUMP', key)
  local ttl = redis.call('PTTL', key)
  if ttl > 0 then ttls[#ttls + 1] = key; ttls[#ttls + 1] = ttl end
end
redis.call('SELECT', ARGV[2])
redis.call('DEL', ARGV[3], ARGV[3] .. ':ttl')
redis.call('SET', ARGV[3] .. ':keys', #keys)
for first = 1, #dumps, 1000 do redis.call('HSET', ARGV[3], unpack(dumps, first, math.min(first + 999, #dumps))) end
for first = 1, #ttls, 1000 do redis.call('HSET', ARGV[3] .. ':ttl', unpack(ttls, first, math.min(first + 999, #ttls))) end
return #keys`;

// ARGV[4] = "empty": without the snapshot the database is emptied; else it is left alone. Only
// the keys that differ from the snapshot are deleted or restored (a key with an expiry always is,
// to restore its expiry), so a reset after a test that changed 10 of 1,000 keys writes 10.
const restoreSnapshot = `
redis.call('SELECT', ARGV[2])
local found = redis.call('EXISTS', ARGV[3] .. ':keys') == 1
local dumps = found and redis.call('HGETALL', ARGV[3]) or {}
local expiries = found and redis.call('HGETALL', ARGV[3] .. ':ttl') or {}
redis.call('SELECT', ARGV[1])
if not found then
  if ARGV[4] ~= 'empty' then return -1 end
  redis.call('FLUSHDB')
  return 0
end
local wanted, ttls = {}, {}
for i = 1, #dumps, 2 do wanted[dumps[i]] = dumps[i + 1] end
for i = 1, #expiries, 2 do ttls[expiries[i]] = expiries[i + 1] end
for _, key in ipairs(redis.call('KEYS', '*')) do
  if wanted[key] == nil then
    redis.call('DEL', key)
  elseif ttls[key] == nil and redis.call('PTTL', key) == -1 and redis.call('DUMP', key) == wanted[key] then
    wanted[key] = nil
  end
end
local restored = 0
for key, dump in pairs(wanted) do
  redis.call('RESTORE', key, ttls[key] or 0, dump, 'REPLACE')
  restored = restored + 1
end
return restored`;

/**
 * One connection per stack, kept open: a new one costs two round trips through the engine's
 * port proxy, measured here at 4 to 97 ms while the JVM services are busy, where the reset
 * itself takes 4 to 10 ms. It reconnects by itself after a restart (the port stays put).
 */
async function onServer<T>(url: string, kept: KeptData, work: (client: RedisClientType) => Promise<T>): Promise<T> {
  let connecting = kept.get(adminClient) as Promise<RedisClientType> | undefined;
  if (!connecting) {
    const client: RedisClientType = createClient({ url });
    client.on("error", () => {}); // a restart ends the connection; commands wait for the reconnect
    connecting = client.connect();
    kept.set(adminClient, connecting);
    connecting.catch(() => kept.delete(adminClient));
  }
  return work(await connecting);
}

/** Where the stack's connection is kept between calls. */
const adminClient = "@client";

/** Apply's own connection: a seed runs once, before the kept one exists. */
async function connectedOnce<T>(url: string, work: (client: RedisClientType) => Promise<T>): Promise<T> {
  const client: RedisClientType = createClient({ url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.close();
  }
}

function script(client: RedisClientType, body: string, part: SliceRef, ...args: string[]): Promise<unknown> {
  return client.sendCommand(["EVAL", body, "0", String(part.index), String(snapshotDatabase), ...args]);
}

/** The snapshot's key in the snapshot database; "@" sets the stack's own part apart from a slice of any name. */
function snapshotKey(part: SliceRef, name: string): string {
  return `stack-harness:snapshot:${part.index === 0 ? "@stack" : part.name}:${name}`;
}

export const redisSlicing: Slicing = {
  method: `its own logical database (\`SELECT n\`): ${mostSlices} slices at most (database 15 holds the snapshots)`,
  snapshots: "DUMP payloads of every key, with its expiry, in a hash of database 15, taken and restored by one script on the server (which rewrites only the keys that differ)",
  variables: (slice) => ({ REDIS_DB: String(slice.index) }),
  open({ url }, part, kept) {
    if (part.index > mostSlices) {
      throw new StackError({
        code: "too-many-slices",
        service: "redis",
        problem: `keeps ${logicalDatabases} logical databases, so it has room for ${mostSlices} slices (database 0 is the stack's, 15 holds snapshots), not ${part.index}.`,
        fix: `run at most ${mostSlices} test workers (vitest's maxWorkers), or open fewer slices.`,
      });
    }
    return onServer(url, kept, async (client) => void (await script(client, restoreSnapshot, part, snapshotKey(stackPart, seedSnapshot), "empty")));
  },
  snapshot: ({ url }, part, name, kept) => onServer(url, kept, async (client) => void (await script(client, takeSnapshot, part, snapshotKey(part, name)))),
  restore: ({ url }, part, name, kept) => onServer(url, kept, async (client) => (await script(client, restoreSnapshot, part, snapshotKey(part, name), "keep")) !== -1),
  async close(kept) {
    const client = await (kept.get(adminClient) as Promise<RedisClientType> | undefined)?.catch(() => undefined);
    kept.delete(adminClient);
    if (client?.isOpen) await client.close();
  },
};

/** Redis seeds: files of commands, one per line as redis-cli takes them ("#" starts a comment line). */
export interface RedisSeed {
  /** @example ["seeds/cache.redis"] with lines such as `SET greeting "hello world"` */
  commands: string[];
}

export const redisSeeding: Seeding<RedisSeed> = {
  shape: "{ commands: [file.redis, ...] }",
  files: (seed) => seed.commands,
  check: (seed) => fileListProblem(seed, "commands"),
  apply: ({ url }, seed) =>
    connectedOnce(url, async (client) => {
      for (const file of seed.commands) {
        const lines = (await readFile(resolve(file), "utf8")).split("\n");
        const commands = lines.flatMap((text, index) => (text.trim() && !text.trim().startsWith("#") ? [{ line: index + 1, text }] : []));
        // Sent together (node-redis pipelines them), then checked in order.
        const replies = await Promise.allSettled(
          commands.map(({ text }) => {
            const words = redisWords(text);
            if (!words) return Promise.reject(new Error("a quote is not closed"));
            return client.sendCommand(words);
          }),
        );
        const failed = replies.findIndex((reply) => reply.status === "rejected");
        if (failed !== -1) {
          const { line, text } = commands[failed]!;
          throw seedFailure("redis", { file, line, statement: text.trim() }, (replies[failed] as PromiseRejectedResult).reason);
        }
      }
    }),
};

/** A command line split as redis-cli splits it: words, "double quotes" with backslash escapes, 'single quotes'; undefined for an open quote. */
export function redisWords(line: string): string[] | undefined {
  const words: string[] = [];
  const pattern = /\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([^\s"']+))/gy;
  let end = 0;
  for (let match = pattern.exec(line); match; match = pattern.exec(line)) {
    const [, double, single, bare] = match;
    words.push(double !== undefined ? double.replace(/\\(.)/g, (_, char: string) => ({ n: "\n", t: "\t", r: "\r" })[char] ?? char) : (single ?? bare!));
    end = pattern.lastIndex;
  }
  return line.slice(end).trim() ? undefined : words;
}
