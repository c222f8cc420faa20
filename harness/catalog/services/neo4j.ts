import neo4j, { type Driver } from "neo4j-driver";
import { defineService, quickJit, slowToStart } from "../service-spec.ts";

export const neo4jUser = "neo4j";
export const neo4jPassword = "stack-password";
const shortestPassword = 8;

/** User and password from NEO4J_AUTH ("user/password"). */
function credentials(environment: Record<string, string>): { user: string; password: string } {
  const [user = neo4jUser, ...rest] = (environment.NEO4J_AUTH ?? "").split("/");
  return { user, password: rest.join("/") };
}

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
    // Every JVM of the container: the admin tool, the launcher and the server.
    JAVA_TOOL_OPTIONS: quickJit,
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
  checkEnvironment(environment) {
    const { password } = credentials(environment);
    if (environment.NEO4J_AUTH === "none" || password.length >= shortestPassword) return undefined;
    return {
      problem: `NEO4J_AUTH sets a password of ${password.length} characters; Neo4j 5 refuses passwords under ${shortestPassword} and exits.`,
      fix: `use a password of at least ${shortestPassword} characters, e.g. NEO4J_AUTH=neo4j/${neo4jPassword}.`,
    };
  },
  slicing: {
    method: "a lease of its single user database (Community edition has one): one slice at a time holds it, emptied of nodes, relationships, indexes and constraints when taken",
    exclusive: true,
    variables: () => ({}),
    async open({ url, environment }) {
      const { user, password } = credentials(environment);
      const driver = neo4j.driver(url, environment.NEO4J_AUTH === "none" ? undefined : neo4j.auth.basic(user, password));
      try {
        // Batched, as an auto-commit transaction (what IN TRANSACTIONS needs), so a large graph fits the heap.
        const session = driver.session();
        await session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").finally(() => session.close());
        const { records: constraints } = await driver.executeQuery("SHOW CONSTRAINTS YIELD name");
        for (const record of constraints) await driver.executeQuery(`DROP CONSTRAINT \`${record.get("name")}\``);
        const { records: indexes } = await driver.executeQuery("SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP'");
        for (const record of indexes) await driver.executeQuery(`DROP INDEX \`${record.get("name")}\``);
      } finally {
        await driver.close();
      }
    },
  },
  appEnvironment: (url, environment) => {
    const { user, password } = credentials(environment);
    return { NEO4J_URI: url, NEO4J_USERNAME: user, NEO4J_PASSWORD: password };
  },
  url: (host, port) => `bolt://${host}:${port}`,
  client: {
    async connect({ url, environment }) {
      const { user, password } = credentials(environment);
      const driver = neo4j.driver(url, environment.NEO4J_AUTH === "none" ? undefined : neo4j.auth.basic(user, password));
      await driver.verifyConnectivity();
      return driver;
    },
    close: (driver) => driver.close(),
  },
});
