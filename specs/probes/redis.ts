import { expect } from "vitest";
import { specOf } from "../../harness/catalog/catalog.ts";
import type { RecordStore, ServiceProbe } from "./probe.ts";
import { payload, recordsSurvive } from "./records.ts";

const unfit = specOf("redis").unfitWhileServing!;

/** Records as the persistence and crash-durability specs write and count them. */
export const redisRecords: RecordStore = {
  write: async (stack, count) => {
    const client = await stack.client("redis");
    const replies = await Promise.all(
      Array.from({ length: count }, (_, id) => client.set(`acknowledged:${id}`, payload(id))),
    );
    expect(replies.filter((reply) => reply === "OK")).toHaveLength(count);
  },
  countIntact: async (stack, count) => {
    const client = await stack.client("redis");
    const values = await client.mGet(Array.from({ length: count }, (_, id) => `acknowledged:${id}`));
    return values.filter((value, id) => value === payload(id)).length;
  },
};

export const redisProbe: ServiceProbe = {
  async roundTrip(stack) {
    const client = await stack.client("redis");
    await client.set("greeting", "hello");
    expect(await client.get("greeting")).toBe("hello");

    const subscriber = await stack.client("redis");
    const received = new Promise<string>((resolve) => {
      void subscriber.subscribe("events", (message) => resolve(message));
    });
    await expect.poll(() => client.publish("events", "indexed"), { timeout: 5_000 }).toBe(1);
    expect(await received).toBe("indexed");

    // Hash fields that expire, new in Redis 7.4 (the pin): the field with a TTL has one, the other none (-1).
    await client.hSet("session", { token: "t0k3n", user: "ada" });
    expect(await client.sendCommand(["HEXPIRE", "session", "60", "FIELDS", "1", "token"])).toEqual([1]);
    const [tokenTtl, userTtl] = (await client.sendCommand(["HTTL", "session", "FIELDS", "2", "token", "user"])) as number[];
    expect(tokenTtl).toBeGreaterThan(0);
    expect(userTtl).toBe(-1);

    // As in the alpine image: a script that finds its shell through /usr/bin/env runs, and the system names itself.
    const script = await stack.exec("redis", "printf '#!/usr/bin/env sh\\necho ran\\n' > /tmp/env-script && chmod +x /tmp/env-script && /tmp/env-script");
    expect(script).toMatchObject({ exitCode: 0, stdout: "ran\n" });
    expect((await stack.exec("redis", "grep -q '^ID=' /etc/os-release")).exitCode).toBe(0);

    const id = await client.xAdd("jobs", "*", { kind: "embed", text: "cats" });
    const entries = await client.xRange("jobs", "-", "+");
    expect(entries).toEqual([{ id, message: { kind: "embed", text: "cats" } }]);
  },

  records: redisRecords,
  persistence: recordsSurvive(redisRecords),

  healthTrap: {
    description: unfit.description,
    naiveCommand: "redis-cli -h 127.0.0.1 ping",
    async spring(stack) {
      expect((await stack.exec("redis", unfit.spring)).exitCode).toBe(0);
    },
    async restore(stack) {
      expect((await stack.exec("redis", unfit.restore)).exitCode).toBe(0);
    },
  },
};
