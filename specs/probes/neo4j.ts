import neo4j from "neo4j-driver";
import { expect } from "vitest";
import { neo4jUser } from "../../harness/catalog/services/neo4j-data.ts";
import type { RecordStore, ServiceProbe } from "./probe.ts";
import { payload, recordsSurvive } from "./records.ts";

/** Records as the persistence and crash-durability specs write and count them. */
export const neo4jRecords: RecordStore = {
  write: async (stack, count) => {
    const driver = await stack.client("neo4j");
    const batch = 100;
    for (let first = 0; first < count; first += batch) {
      const { summary } = await driver.executeQuery(
        "UNWIND range($first, $last) AS id CREATE (:Record {id: id, payload: 'record ' + toString(id)})",
        { first: neo4j.int(first), last: neo4j.int(Math.min(first + batch, count) - 1) },
      );
      expect(summary.counters.updates().nodesCreated).toBe(Math.min(batch, count - first));
    }
  },
  countIntact: async (stack, count) => {
    const driver = await stack.client("neo4j");
    const { records } = await driver.executeQuery("MATCH (r:Record) WHERE r.id < $count RETURN r.id AS id, r.payload AS payload", {
      count: neo4j.int(count),
    });
    return records.filter((record) => record.get("payload") === payload(neo4j.integer.toNumber(record.get("id")))).length;
  },
};

export const neo4jProbe: ServiceProbe = {
  async roundTrip(stack) {
    const driver = await stack.client("neo4j");
    await driver.executeQuery(
      "CREATE (:Person {name: 'Ada'})-[:KNOWS {since: 1843}]->(:Person {name: 'Charles'})",
    );
    const { records } = await driver.executeQuery(
      "MATCH (a:Person)-[k:KNOWS]->(b:Person) RETURN a.name AS from, b.name AS to, k.since AS since",
    );
    expect(records.map((record) => record.toObject())).toEqual([{ from: "Ada", to: "Charles", since: neo4j.int(1843) }]);
  },

  records: neo4jRecords,
  persistence: recordsSurvive(neo4jRecords),

  extras: {
    connectivity: {
      "serves HTTP discovery on 7474": async (stack) => {
        const { host } = stack.hostEndpoint("neo4j");
        const port = stack.mappedPort("neo4j", 7474);
        const response = await fetch(`http://${host}:${port}/`, { headers: { accept: "application/json" } });
        expect(response.status).toBe(200);
        const discovery = (await response.json()) as Record<string, string>;
        expect(discovery.bolt_direct).toMatch(/^bolt:\/\//);
        expect(discovery.neo4j_version).toMatch(/^5\.26\./);
        expect(discovery.neo4j_edition).toBe("community");
      },
      "refuses a wrong password": async (stack) => {
        const driver = neo4j.driver(stack.hostEndpoint("neo4j").url, neo4j.auth.basic(neo4jUser, "wrong-password"));
        try {
          await expect(driver.verifyConnectivity()).rejects.toThrow(/authentication failure|unauthorized/i);
        } finally {
          await driver.close();
        }
      },
    },
  },
};
