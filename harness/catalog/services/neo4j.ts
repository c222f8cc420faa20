import type { Driver } from "neo4j-driver";
import { defineService, quickJit, slowToStart } from "../service-spec.ts";
import { credentials, driverFor, neo4jSeeding, neo4jSlicing, neo4jUser, type Neo4jSeed } from "./neo4j-data.ts";

export const neo4jPassword = "stack-password";
const shortestPassword = 8;

export const neo4jService = defineService<Driver, Neo4jSeed>({
  name: "neo4j",
  upstreamImage: "neo4j:5.26.29-community",
  lookalike: {
    base: "trixie",
    version: "5.26.29",
    versionCommand: "neo4j --version",
    differences: [
      "The real Neo4j 5.26.29 community server from Maven Central jars on Debian trixie's OpenJDK 21 (upstream: the tarball on Temurin 21)",
      "no Neo4j Browser (`/browser/` is 404; JSON discovery on `/` works)",
      "its own entrypoint honoring `NEO4J_AUTH` (set on an empty `/data` only; under 8 characters exits 70), `NEO4J_*` settings (`_` to `.`, `__` to `_`) and `NEO4J_PLUGINS='[\"apoc\"]'` with APOC 5.26.19 (upstream bundles 5.26.29; other plugins are skipped with a warning)",
      "a shorter `neo4j.conf` of its own",
      "Bolt's shutdown wait 1 s instead of 5 s so `docker stop` stays under the grace period",
      "`gosu` instead of `su-exec`",
    ],
    alike: "user `neo4j` (7474), `/data` and `/logs`, bash, wget, jq, no curl or nc",
  },
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
  // The server JVM's options alone (the launcher's and the admin tool's JVMs have other class paths).
  jvm: { optionsVariable: "NEO4J_server_jvm_additional", java: "java" },
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
  slicing: neo4jSlicing,
  seeding: neo4jSeeding,
  appEnvironment: (url, environment) => {
    const { user, password } = credentials(environment);
    return { NEO4J_URI: url, NEO4J_USERNAME: user, NEO4J_PASSWORD: password };
  },
  url: (host, port) => `bolt://${host}:${port}`,
  client: {
    async connect(target) {
      const driver = driverFor(target);
      await driver.verifyConnectivity();
      return driver;
    },
    close: (driver) => driver.close(),
  },
});
