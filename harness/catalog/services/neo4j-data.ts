import neo4j, { type Driver } from "neo4j-driver";
import { cypherDialect, fileListProblem, seedFailure, statementsOf } from "../seed-files.ts";
import { seedSnapshot, stackPart, type ClientTarget, type KeptData, type Seeding, type SliceRef, type Slicing } from "../service-spec.ts";

export const neo4jUser = "neo4j";

/** User and password from NEO4J_AUTH ("user/password"). */
export function credentials(environment: Record<string, string>): { user: string; password: string } {
  const [user = neo4jUser, ...rest] = (environment.NEO4J_AUTH ?? "").split("/");
  return { user, password: rest.join("/") };
}

export function driverFor({ url, environment }: Pick<ClientTarget, "url" | "environment">): Driver {
  const { user, password } = credentials(environment);
  return neo4j.driver(url, environment.NEO4J_AUTH === "none" ? undefined : neo4j.auth.basic(user, password));
}

async function withDriver<T>(target: ClientTarget, work: (driver: Driver) => Promise<T>): Promise<T> {
  const driver = driverFor(target);
  try {
    return await work(driver);
  } finally {
    await driver.close();
  }
}

/** A graph as read back: the schema statements, the nodes, and the relationships by node position. */
interface Graph {
  schema: string[];
  nodes: Array<{ labels: string[]; properties: Record<string, unknown> }>;
  relationships: Array<{ from: number; to: number; type: string; properties: Record<string, unknown> }>;
}

/** Rows created per statement while a graph is written back. */
const batchRows = 10_000;

async function emptyGraph(driver: Driver): Promise<void> {
  // Batched, as an auto-commit transaction (what IN TRANSACTIONS needs), so a large graph fits the heap.
  const session = driver.session();
  await session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").finally(() => session.close());
  const { records: constraints } = await driver.executeQuery("SHOW CONSTRAINTS YIELD name");
  for (const record of constraints) await driver.executeQuery(`DROP CONSTRAINT \`${record.get("name")}\``);
  const { records: indexes } = await driver.executeQuery("SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP'");
  for (const record of indexes) await driver.executeQuery(`DROP INDEX \`${record.get("name")}\``);
}

async function readGraph(driver: Driver): Promise<Graph> {
  const { records: constraints } = await driver.executeQuery("SHOW CONSTRAINTS YIELD createStatement");
  const { records: indexes } = await driver.executeQuery("SHOW INDEXES YIELD createStatement, type, owningConstraint WHERE type <> 'LOOKUP' AND owningConstraint IS NULL");
  const { records: nodes } = await driver.executeQuery("MATCH (n) RETURN elementId(n) AS id, labels(n) AS labels, properties(n) AS properties");
  const position = new Map(nodes.map((record, index) => [record.get("id") as string, index]));
  const { records: relationships } = await driver.executeQuery(
    "MATCH (a)-[r]->(b) RETURN elementId(a) AS from, elementId(b) AS to, type(r) AS type, properties(r) AS properties",
  );
  return {
    schema: [...constraints, ...indexes].map((record) => record.get("createStatement") as string),
    nodes: nodes.map((record) => ({ labels: record.get("labels") as string[], properties: record.get("properties") as Record<string, unknown> })),
    relationships: relationships.map((record) => ({
      from: position.get(record.get("from") as string)!,
      to: position.get(record.get("to") as string)!,
      type: record.get("type") as string,
      properties: record.get("properties") as Record<string, unknown>,
    })),
  };
}

const quoted = (name: string) => `\`${name.replaceAll("`", "``")}\``;

/** Groups rows by a key, keeping each row's position. */
function groupBy<T>(rows: T[], key: (row: T) => string): Map<string, Array<{ row: T; at: number }>> {
  const groups = new Map<string, Array<{ row: T; at: number }>>();
  rows.forEach((row, at) => groups.set(key(row), [...(groups.get(key(row)) ?? []), { row, at }]));
  return groups;
}

/** Writes a graph into an empty database: schema, then nodes per label set, then relationships per type, by element id. */
async function writeGraph(driver: Driver, graph: Graph): Promise<void> {
  for (const statement of graph.schema) await driver.executeQuery(statement);
  const ids: string[] = [];
  for (const [labels, group] of groupBy(graph.nodes, (node) => node.labels.map(quoted).join(":"))) {
    for (let first = 0; first < group.length; first += batchRows) {
      const batch = group.slice(first, first + batchRows);
      const { records } = await driver.executeQuery(
        `UNWIND range(0, size($rows) - 1) AS i CREATE (n${labels ? `:${labels}` : ""}) SET n = $rows[i] RETURN i, elementId(n) AS id`,
        { rows: batch.map(({ row }) => row.properties) },
      );
      for (const record of records) ids[batch[(record.get("i") as { toNumber(): number }).toNumber()]!.at] = record.get("id") as string;
    }
  }
  for (const [type, group] of groupBy(graph.relationships, (relationship) => relationship.type)) {
    for (let first = 0; first < group.length; first += batchRows) {
      const rows = group.slice(first, first + batchRows).map(({ row }) => ({ from: ids[row.from], to: ids[row.to], properties: row.properties }));
      await driver.executeQuery(
        `UNWIND $rows AS row MATCH (a) WHERE elementId(a) = row.from MATCH (b) WHERE elementId(b) = row.to CREATE (a)-[r:${quoted(type)}]->(b) SET r = row.properties`,
        { rows },
      );
    }
  }
}

const keptKey = (part: SliceRef, name: string) => `${part.index === 0 ? "@stack" : part.name}/${name}`;

export const neo4jSlicing: Slicing = {
  method: "a lease of its single user database (Community edition has one): one slice at a time holds it, reset to the seed (nodes, relationships, indexes and constraints) when taken",
  snapshots: "the schema statements, nodes and relationships read back and kept in the memory of the process holding the stack, written back after the database is emptied",
  exclusive: true,
  keptInProcess: true,
  variables: () => ({}),
  open: (target, _part, kept, seeded) =>
    withDriver(target, async (driver) => {
      await emptyGraph(driver);
      const seed = kept.get(keptKey(stackPart, seedSnapshot)) as Graph | undefined;
      if (seeded && seed) await writeGraph(driver, seed);
    }),
  snapshot: (target, part, name, kept) => withDriver(target, async (driver) => void kept.set(keptKey(part, name), await readGraph(driver))),
  restore: (target, part, name, kept: KeptData) =>
    withDriver(target, async (driver) => {
      const graph = kept.get(keptKey(part, name)) as Graph | undefined;
      if (!graph) return false;
      await emptyGraph(driver);
      await writeGraph(driver, graph);
      return true;
    }),
};

/** Neo4j seeds: Cypher files, run statement by statement (each ends with ";"). */
export interface Neo4jSeed {
  /** @example ["seeds/graph.cypher"] */
  cypher: string[];
}

export const neo4jSeeding: Seeding<Neo4jSeed> = {
  shape: "{ cypher: [file.cypher, ...] }",
  files: (seed) => seed.cypher,
  check: (seed) => fileListProblem(seed, "cypher"),
  apply: (target, seed) =>
    withDriver(target, async (driver) => {
      for (const file of seed.cypher) {
        for (const statement of await statementsOf(file, cypherDialect)) {
          const session = driver.session();
          try {
            await session.run(statement.text);
          } catch (error) {
            throw seedFailure("neo4j", { file, line: statement.line, statement: statement.text }, error);
          } finally {
            await session.close();
          }
        }
      }
    }),
};
