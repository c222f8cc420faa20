import neo4j, { type Driver } from "neo4j-driver";
import { defineService, slowToStart } from "../service-spec.ts";

export const neo4jUser = "neo4j";
export const neo4jPassword = "stack-password";

export const neo4jService = defineService<Driver>({
  name: "neo4j",
  upstreamImage: "neo4j:5.26.29-community",
  lookalike: { base: "trixie" },
  port: 7687,
  extraPorts: [7474],
  environment: {
    NEO4J_AUTH: `${neo4jUser}/${neo4jPassword}`,
    NEO4J_server_memory_heap_initial__size: "512m",
    NEO4J_server_memory_heap_max__size: "512m",
    NEO4J_server_memory_pagecache_size: "256m",
  },
  dataDir: "/data",
  healthcheck: {
    command: (host) => `wget -q -O /dev/null http://${host}:7474/ || exit 1`,
    ...slowToStart,
  },
  startupTimeoutMs: 180_000,
  memoryMiB: 1_280,
  stopTimeoutSeconds: 30,
  dependsOn: [],
  absentTools: ["curl", "nc"],
  appEnvironment: (url) => ({ NEO4J_URI: url, NEO4J_USERNAME: neo4jUser, NEO4J_PASSWORD: neo4jPassword }),
  url: (host, port) => `bolt://${host}:${port}`,
  client: {
    async connect({ url }) {
      const driver = neo4j.driver(url, neo4j.auth.basic(neo4jUser, neo4jPassword));
      await driver.verifyConnectivity();
      return driver;
    },
    close: (driver) => driver.close(),
  },
});
