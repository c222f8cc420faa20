import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { Client } from "@elastic/elasticsearch";
import { missingFile, seedFailure } from "../seed-files.ts";
import { seedSnapshot, stackPart, type Seeding, type SliceRef, type Slicing } from "../service-spec.ts";

/** Index names the harness keeps its snapshots under: hidden, and left out of the stack's own part. */
const snapshotIndexPrefix = "stack-harness-snapshot-";
/** An index template the seed declared carries this in its _meta; each slice gets a copy with its prefix. */
const seedTemplateMark = "stack_harness_seed";

function prefixOf(part: SliceRef): string {
  return part.index === 0 ? "" : `slice-${part.name}-`;
}

/** The indices of a part: a slice's by its prefix; the stack's are the rest. */
async function indicesOf(client: Client, part: SliceRef): Promise<string[]> {
  const pattern = part.index === 0 ? `*,-slice-*,-${snapshotIndexPrefix}*` : `${prefixOf(part)}*`;
  const indices = await client.cat.indices({ index: pattern, format: "json", expand_wildcards: part.index === 0 ? ["open", "closed"] : "all" });
  return indices.map((index) => index.index!).filter(Boolean);
}

async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ node: url });
  try {
    return await work(client);
  } finally {
    await client.close();
  }
}

/** Deleting by wildcard is refused (action.destructive_requires_name), so by name. */
async function deleteIndices(client: Client, names: string[]): Promise<void> {
  if (names.length > 0) await client.indices.delete({ index: names.join(",") });
}

/** A snapshot is a pipeline that lists its indices (so an empty one exists too) and a hidden, write-blocked clone of each. */
function snapshotId(part: SliceRef, name: string): string {
  return `${snapshotIndexPrefix}${createHash("sha256").update(`${part.name}/${name}/${part.index === 0}`).digest("hex").slice(0, 12)}`;
}

/** Clones an index within the node (hard links of its segments): the source must be write-blocked meanwhile. */
async function cloneIndex(client: Client, source: string, target: string, settings: Record<string, unknown>): Promise<void> {
  await client.indices.clone({ index: source, target, settings: { "index.number_of_replicas": 0, ...settings }, wait_for_active_shards: 1 });
}

async function restoreInto(client: Client, part: SliceRef, id: string): Promise<boolean> {
  const pipeline = await client.ingest.getPipeline({ id }).catch(() => undefined);
  if (!pipeline?.[id]) return false;
  const { indices } = JSON.parse(pipeline[id].description ?? "{}") as { indices: string[] };
  await deleteIndices(client, await indicesOf(client, part));
  await Promise.all(
    indices.map((index) => cloneIndex(client, `${id}-${index}`, `${prefixOf(part)}${index}`, { "index.hidden": false, "index.blocks.write": false })),
  );
  return true;
}

/** Puts a copy of each seeded index template whose patterns carry the slice's prefix, once per slice. */
async function ensureSliceTemplates(client: Client, part: SliceRef): Promise<void> {
  if (part.index === 0) return;
  // A wildcard that matches no template answers 404.
  const { index_templates: templates } = await client.indices.getIndexTemplate({ name: "*" }, { ignore: [404] });
  const prefix = prefixOf(part);
  const present = new Set(templates.map((template) => template.name));
  for (const { name, index_template: template } of templates) {
    if (!template._meta?.[seedTemplateMark] || present.has(`${prefix}${name}`)) continue;
    const { _meta, index_patterns: patterns, ...body } = template;
    const indexPatterns = (Array.isArray(patterns) ? patterns : [patterns]).map((pattern) => `${prefix}${pattern}`);
    await client.indices.putIndexTemplate({ name: `${prefix}${name}`, ...body, index_patterns: indexPatterns, _meta: { slice: part.name } });
  }
}

export const elasticsearchSlicing: Slicing = {
  method: "its own index prefix (ELASTICSEARCH_INDEX_PREFIX), which the app puts before every index name; seeded index templates are copied with the prefix",
  snapshots: "a hidden, write-blocked clone of each index (the clone API: hard links within the node); the source is write-blocked while it is cloned",
  variables: (slice) => ({ ELASTICSEARCH_INDEX_PREFIX: prefixOf(slice) }),
  open: ({ url }, part, _kept, seeded) =>
    withClient(url, async (client) => {
      if (seeded) {
        await ensureSliceTemplates(client, part);
        if (await restoreInto(client, part, snapshotId(stackPart, seedSnapshot))) return;
      }
      await deleteIndices(client, await indicesOf(client, part));
    }),
  snapshot: ({ url }, part, name) =>
    withClient(url, async (client) => {
      const id = snapshotId(part, name);
      await deleteIndices(client, (await client.cat.indices({ index: `${id}-*`, format: "json", expand_wildcards: "all" })).map((index) => index.index!));
      const prefix = prefixOf(part);
      const indices = (await indicesOf(client, part)).map((index) => index.slice(prefix.length));
      await Promise.all(
        indices.map(async (index) => {
          const source = `${prefix}${index}`;
          await client.indices.addBlock({ index: source, block: "write" });
          try {
            await cloneIndex(client, source, `${id}-${index}`, { "index.hidden": true });
          } finally {
            await client.indices.putSettings({ index: source, settings: { "index.blocks.write": null } });
          }
        }),
      );
      await client.ingest.putPipeline({ id, description: JSON.stringify({ indices }), processors: [] });
    }),
  restore: ({ url }, part, name) => withClient(url, (client) => restoreInto(client, part, snapshotId(part, name))),
};

/** Elasticsearch seeds, applied in this order. */
export interface ElasticsearchSeed {
  /** Index templates by name, each a JSON file with the body of PUT _index_template/<name>. */
  templates?: Record<string, string>;
  /** Indices to create by name, each a JSON file with the body of PUT /<index> (settings, mappings, aliases). */
  indices?: Record<string, string>;
  /** NDJSON files in the _bulk format (an action line, then the document), indexed and refreshed. */
  bulk?: string[];
}

export const elasticsearchSeeding: Seeding<ElasticsearchSeed> = {
  shape: "{ templates?: { name: file.json }, indices?: { index: file.json }, bulk?: [file.ndjson, ...] }",
  files: (seed) => [...Object.values(seed.templates ?? {}), ...Object.values(seed.indices ?? {}), ...(seed.bulk ?? [])],
  check(seed) {
    if (typeof seed !== "object" || seed === null || Array.isArray(seed)) return "must be an object with `templates`, `indices` or `bulk`";
    const { templates = {}, indices = {}, bulk = [], ...rest } = seed as Record<string, unknown>;
    if (Object.keys(rest).length > 0) return `takes \`templates\`, \`indices\` and \`bulk\`, not \`${Object.keys(rest)[0]}\``;
    if (typeof templates !== "object" || typeof indices !== "object" || !Array.isArray(bulk)) return "has `templates` and `indices` as objects by name, and `bulk` as an array of files";
    const files = [...Object.values(templates as object), ...Object.values(indices as object), ...bulk];
    return files.map(missingFile).find(Boolean);
  },
  apply: ({ url }, seed) =>
    withClient(url, async (client) => {
      for (const [name, file] of Object.entries(seed.templates ?? {})) {
        const body = await jsonFile(file);
        await client.indices
          .putIndexTemplate({ name, ...body, _meta: { ...(body._meta as object), [seedTemplateMark]: true } })
          .catch((error: unknown) => Promise.reject(seedFailure("elasticsearch", { file, statement: `PUT _index_template/${name}` }, reason(error))));
      }
      for (const [index, file] of Object.entries(seed.indices ?? {})) {
        const body = await jsonFile(file);
        await client.indices
          .create({ index, ...body })
          .catch((error: unknown) => Promise.reject(seedFailure("elasticsearch", { file, statement: `PUT /${index}` }, reason(error))));
      }
      for (const file of seed.bulk ?? []) await bulkFile(client, file);
    }),
};

async function jsonFile(file: string): Promise<Record<string, unknown>> {
  try {
    return JSON.parse(await readFile(resolve(file), "utf8")) as Record<string, unknown>;
  } catch (error) {
    throw seedFailure("elasticsearch", { file }, error);
  }
}

/** Indexes a _bulk file; an item that fails is named by its action's line. */
async function bulkFile(client: Client, file: string): Promise<void> {
  const lines = (await readFile(resolve(file), "utf8")).split("\n").map((text, index) => ({ text, line: index + 1 }));
  const operations: unknown[] = [];
  const actionLines: Array<{ line: number; text: string }> = [];
  let expectSource = false;
  for (const { text, line } of lines.filter(({ text }) => text.trim())) {
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(text) as Record<string, unknown>;
    } catch (error) {
      throw seedFailure("elasticsearch", { file, line, statement: text }, error);
    }
    if (!expectSource) actionLines.push({ line, text });
    operations.push(parsed);
    expectSource = !expectSource && !("delete" in parsed);
  }
  if (operations.length === 0) return;
  const result = await client.bulk({ operations, refresh: true });
  const failed = result.items.findIndex((item) => Object.values(item)[0]?.error);
  if (failed === -1) return;
  const { line, text } = actionLines[failed]!;
  const error = Object.values(result.items[failed]!)[0]!.error!;
  throw seedFailure("elasticsearch", { file, line, statement: text }, `${error.type}: ${error.reason}`);
}

function reason(error: unknown): string {
  const body = (error as { meta?: { body?: { error?: { type?: string; reason?: string } } } }).meta?.body?.error;
  return body ? `${body.type}: ${body.reason}` : error instanceof Error ? error.message : String(error);
}
