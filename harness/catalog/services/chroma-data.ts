import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { fileListProblem, seedFailure } from "../seed-files.ts";
import { seedSnapshot, stackPart, type Seeding, type SliceRef, type Slicing } from "../service-spec.ts";

/** The tenant Chroma creates at its first start, and its database. */
const defaultTenant = "default_tenant";
const defaultDatabase = "default_database";
/** Records per add request: below Chroma's max_batch_size on every backend. */
const batchSize = 1_000;

/** The database of a part: a slice's own, or the default one for the stack's own part. */
function databaseOf(part: SliceRef): string {
  return part.index === 0 ? defaultDatabase : `slice_${part.name}`;
}

/** A snapshot is a database of its own holding a copy of each collection. */
function snapshotDatabase(part: SliceRef, name: string): string {
  return `stack_harness_snapshot_${createHash("sha256").update(`${part.name}/${name}/${part.index === 0}`).digest("hex").slice(0, 12)}`;
}

interface Collection {
  id: string;
  name: string;
  metadata: Record<string, unknown> | null;
  configuration_json?: Record<string, unknown> | null;
}

interface Records {
  ids: string[];
  embeddings?: number[][] | null;
  documents?: Array<string | null> | null;
  metadatas?: Array<Record<string, unknown> | null> | null;
  uris?: Array<string | null> | null;
}

/** Chroma's v2 HTTP API for one tenant. */
function api(url: string) {
  const base = `${url}/api/v2/tenants/${defaultTenant}/databases`;
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 300)}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
  return {
    exists: (database: string) => fetch(`${base}/${database}`).then((response) => response.ok),
    create: (database: string) => call("POST", "", { name: database }),
    drop: (database: string) => call("DELETE", `/${database}`),
    collections: (database: string) => call<Collection[]>("GET", `/${database}/collections?limit=100000`),
    createCollection: (database: string, collection: { name: string; metadata?: Record<string, unknown> | null; configuration?: unknown }) =>
      call<Collection>("POST", `/${database}/collections`, {
        name: collection.name,
        ...(collection.metadata ? { metadata: collection.metadata } : {}),
        ...(collection.configuration ? { configuration: collection.configuration } : {}),
      }),
    dropCollection: (database: string, name: string) => call("DELETE", `/${database}/collections/${encodeURIComponent(name)}`),
    records: (database: string, id: string) =>
      call<Records>("POST", `/${database}/collections/${id}/get`, { include: ["embeddings", "documents", "metadatas", "uris"] }),
    add: (database: string, id: string, records: Records) => call("POST", `/${database}/collections/${id}/add`, records),
    remove: (database: string, id: string, ids: string[]) => call("POST", `/${database}/collections/${id}/delete`, { ids }),
  };
}

type Api = ReturnType<typeof api>;

/** Makes `database` hold nothing, creating it if need be. */
async function emptied(chroma: Api, database: string): Promise<void> {
  if (await chroma.exists(database)) await chroma.drop(database);
  await chroma.create(database);
}

/** Adds records in batches, the optional fields only where they hold something. */
async function addRecords(chroma: Api, database: string, id: string, records: Records): Promise<void> {
  for (let first = 0; first < records.ids.length; first += batchSize) {
    const slice = <T>(values: T[] | null | undefined) => (values && values.some((value) => value !== null) ? values.slice(first, first + batchSize) : undefined);
    await chroma.add(database, id, {
      ids: records.ids.slice(first, first + batchSize),
      embeddings: slice(records.embeddings),
      documents: slice(records.documents),
      metadatas: slice(records.metadatas),
      uris: slice(records.uris),
    });
  }
}

/** The index settings of a collection's configuration, which a copy takes over. */
function indexConfiguration(collection: Collection): Record<string, unknown> | undefined {
  const { hnsw, spann } = collection.configuration_json ?? {};
  return hnsw || spann ? { ...(hnsw ? { hnsw } : {}), ...(spann ? { spann } : {}) } : undefined;
}

/** The records of `records` at the given positions. */
function pick(records: Records, positions: number[]): Records {
  const at = <T>(values: T[] | null | undefined) => (values ? positions.map((position) => values[position]!) : undefined);
  return { ids: at(records.ids)!, embeddings: at(records.embeddings), documents: at(records.documents), metadatas: at(records.metadatas), uris: at(records.uris) };
}

/** Each record as one string of everything it holds, by id. */
function recordsById(records: Records): Map<string, { at: number; whole: string }> {
  return new Map(
    records.ids.map((id, at) => [
      id,
      { at, whole: JSON.stringify([records.embeddings?.[at], records.documents?.[at], records.metadatas?.[at], records.uris?.[at]]) },
    ]),
  );
}

/** Makes a collection of `to` hold exactly the records of one of `from`: the records it lacks or holds otherwise are deleted and added again. */
async function syncRecords(chroma: Api, from: string, source: Collection, to: string, target: Collection): Promise<void> {
  const [wanted, held] = await Promise.all([chroma.records(from, source.id), chroma.records(to, target.id)]);
  const want = recordsById(wanted);
  const have = recordsById(held);
  const stale = [...have].filter(([id, record]) => want.get(id)?.whole !== record.whole).map(([id]) => id);
  const missing = [...want].filter(([id, record]) => have.get(id)?.whole !== record.whole).map(([, record]) => record.at);
  if (stale.length > 0) await chroma.remove(to, target.id, stale);
  if (missing.length > 0) await addRecords(chroma, to, target.id, pick(wanted, missing));
}

/**
 * Makes `to` hold exactly what `from` holds: collections it lacks are copied, extra ones dropped,
 * and within a collection only the records that differ are deleted and added again. Adding is
 * what costs (1,000 records with documents: 200 to 400 ms here), so a reset after a test that
 * changed a few records takes a fraction of a copy.
 */
async function syncDatabase(chroma: Api, from: string, to: string): Promise<void> {
  const [sources, targets] = await Promise.all([
    chroma.collections(from),
    chroma.exists(to).then(async (exists) => (exists ? chroma.collections(to) : (await chroma.create(to), []))),
  ]);
  const sameShape = (a: Collection, b: Collection) =>
    JSON.stringify([a.metadata, indexConfiguration(a)]) === JSON.stringify([b.metadata, indexConfiguration(b)]);
  await Promise.all(
    targets.filter((target) => !sources.some((source) => source.name === target.name)).map((target) => chroma.dropCollection(to, target.name)),
  );
  await Promise.all(
    sources.map(async (source) => {
      let target = targets.find((candidate) => candidate.name === source.name);
      if (target && !sameShape(source, target)) {
        await chroma.dropCollection(to, target.name);
        target = undefined;
      }
      target ??= await chroma.createCollection(to, { name: source.name, metadata: source.metadata, configuration: indexConfiguration(source) });
      await syncRecords(chroma, from, source, to, target);
    }),
  );
}

export const chromaSlicing: Slicing = {
  method: "its own database of the default tenant (Chroma's tenant and database API)",
  snapshots: "a database of its own with a copy of every collection and its records; Chroma has no copy of its own, so a restore (and a reset to the seed) deletes and adds again only the records that differ",
  variables: (slice) => ({ CHROMA_TENANT: defaultTenant, CHROMA_DATABASE: databaseOf(slice) }),
  async open({ url }, part, _kept, seeded) {
    const chroma = api(url);
    const seed = snapshotDatabase(stackPart, seedSnapshot);
    if (seeded && (await chroma.exists(seed))) await syncDatabase(chroma, seed, databaseOf(part));
    else await emptied(chroma, databaseOf(part));
  },
  snapshot: async ({ url }, part, name) => syncDatabase(api(url), databaseOf(part), snapshotDatabase(part, name)),
  async restore({ url }, part, name) {
    const chroma = api(url);
    const kept = snapshotDatabase(part, name);
    if (!(await chroma.exists(kept))) return false;
    await syncDatabase(chroma, kept, databaseOf(part));
    return true;
  },
};

/** A collection of a Chroma seed file: its records, with the embeddings (the stack has no embedding function of its own). */
export interface ChromaSeedCollection extends Records {
  name: string;
  metadata?: Record<string, unknown>;
  embeddings: number[][];
}

/** Chroma seeds: JSON files, each a collection or an array of collections. */
export interface ChromaSeed {
  /** @example ["seeds/chroma.json"] holding [{ "name": "docs", "ids": ["a"], "embeddings": [[0.1, 0.2]], "documents": ["..."] }] */
  collections: string[];
}

export const chromaSeeding: Seeding<ChromaSeed> = {
  shape: "{ collections: [file.json, ...] }, each file a collection { name, ids, embeddings, documents?, metadatas? } or an array of them",
  files: (seed) => seed.collections,
  check: (seed) => fileListProblem(seed, "collections"),
  async apply({ url }, seed) {
    const chroma = api(url);
    for (const file of seed.collections) {
      let collections: ChromaSeedCollection[];
      try {
        const parsed = JSON.parse(await readFile(resolve(file), "utf8")) as ChromaSeedCollection | ChromaSeedCollection[];
        collections = Array.isArray(parsed) ? parsed : [parsed];
      } catch (error) {
        throw seedFailure("chroma", { file }, error);
      }
      for (const { name, metadata, ...records } of collections) {
        await (async () => {
          const collection = await chroma.createCollection(defaultDatabase, { name, metadata });
          await addRecords(chroma, defaultDatabase, collection.id, records);
        })().catch((error: unknown) => Promise.reject(seedFailure("chroma", { file, statement: `collection ${name}` }, error)));
      }
    }
  },
};
