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
