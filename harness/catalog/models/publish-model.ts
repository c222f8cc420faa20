// Publish a GGUF file as an Ollama model into a directory served by server.mjs.
//
// Writes (creating directories as needed):
//   OUTDIR/blobs/sha256-<hex>                    the GGUF, config, params, template, ... blobs
//   OUTDIR/manifests/<namespace>/<name>/<tag>    the manifest (Docker manifest v2 schema 2)
//
// Output is deterministic (no timestamps), so the same GGUF gives the same digests.
// Defaults: namespace "library", tag "latest", params {"num_predict":16}, template "{{ .Prompt }}".

import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from "node:fs";
import { join, resolve } from "node:path";

export const MEDIA_TYPES = {
  manifest: "application/vnd.docker.distribution.manifest.v2+json",
  config: "application/vnd.docker.container.image.v1+json",
  model: "application/vnd.ollama.image.model",
  params: "application/vnd.ollama.image.params",
  template: "application/vnd.ollama.image.template",
  system: "application/vnd.ollama.image.system",
  license: "application/vnd.ollama.image.license",
} as const;

export interface PublishOptions {
  /** Path of the GGUF file. */
  gguf: string;
  /** "name", "namespace/name"; namespace defaults to "library". */
  name: string;
  tag?: string;
  /** Directory that the registry serves (its MODELS_DIR). */
  outDir: string;
  /** Default generation options (params layer); null for none. */
  params?: Record<string, unknown> | null;
  /** Go template of the prompt (template layer); null for none. */
  template?: string | null;
  system?: string | null;
  license?: string | null;
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
}

export interface PublishResult {
  /** namespace/name:tag as the registry serves it */
  reference: string;
  manifestPath: string;
  manifestDigest: string;
  config: Descriptor;
  layers: Descriptor[];
}

/** What publish needs from a GGUF header. */
export interface GgufSummary {
  architecture: string;
  fileType: number | undefined;
  parameterCount: number;
}

// GGUF value types -> fixed sizes (strings and arrays handled separately)
const FIXED_SIZES: Record<number, number> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };

/** Read architecture, file type and parameter count from a GGUF (v2/v3) header. */
export function readGgufSummary(buf: Uint8Array): GgufSummary {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let pos = 0;
  const u32 = () => ((pos += 4), view.getUint32(pos - 4, true));
  const u64 = () => ((pos += 8), Number(view.getBigUint64(pos - 8, true)));
  const str = () => {
    const n = u64();
    pos += n;
    return new TextDecoder().decode(buf.subarray(pos - n, pos));
  };
  const skip = (type: number): void => {
    if (type === 8) {
      const n = u64(); // read first: `pos += u64()` would add to the stale pos
      pos += n;
    } else if (type === 9) {
      const elemType = u32();
      const count = u64();
      const fixed = FIXED_SIZES[elemType];
      if (fixed !== undefined) pos += fixed * count;
      else for (let i = 0; i < count; i++) skip(elemType);
    } else {
      const fixed = FIXED_SIZES[type];
      if (fixed === undefined) throw new Error(`GGUF: unknown value type ${type}`);
      pos += fixed;
    }
  };

  if (new TextDecoder().decode(buf.subarray(0, 4)) !== "GGUF") throw new Error("not a GGUF file");
  pos = 4;
  const version = u32();
  if (version < 2) throw new Error(`GGUF version ${version} not supported`);
  const tensorCount = u64();
  const kvCount = u64();
  let architecture = "";
  let fileType: number | undefined;
  for (let i = 0; i < kvCount; i++) {
    const key = str();
    const type = u32();
    if (key === "general.architecture" && type === 8) architecture = str();
    else if (key === "general.file_type" && type === 4) fileType = u32();
    else skip(type);
  }
  let parameterCount = 0;
  for (let i = 0; i < tensorCount; i++) {
    str();
    const nDims = u32();
    let n = 1;
    for (let d = 0; d < nDims; d++) n *= u64();
    u32(); // type
    u64(); // offset
    parameterCount += n;
  }
  if (!architecture) throw new Error("GGUF: general.architecture missing");
  return { architecture, fileType, parameterCount };
}

// llama.cpp's general.file_type values, as Ollama names them.
const FILE_TYPES: Record<number, string> = {
  0: "F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 7: "Q8_0", 8: "Q5_0", 9: "Q5_1", 10: "Q2_K",
  11: "Q3_K_S", 12: "Q3_K_M", 13: "Q3_K_L", 14: "Q4_K_S", 15: "Q4_K_M", 16: "Q5_K_S",
  17: "Q5_K_M", 18: "Q6_K", 32: "BF16",
};

/** Parameter count the way Ollama shows it: 116.42K, 7.2B, ... */
export function humanParameters(n: number): string {
  const units: [number, string][] = [[1e12, "T"], [1e9, "B"], [1e6, "M"], [1e3, "K"]];
  for (const [scale, unit] of units) {
    if (n >= scale) return `${Number((n / scale).toFixed(2))}${unit}`;
  }
  return String(n);
}

function digestOf(buf: Uint8Array): string {
  return "sha256:" + createHash("sha256").update(buf).digest("hex");
}

/** Write a blob under OUTDIR/blobs (skipped when already there) and describe it. */
function writeBlob(outDir: string, mediaType: string, buf: Uint8Array): Descriptor {
  const digest = digestOf(buf);
  const file = join(outDir, "blobs", digest.replace(":", "-"));
  if (!existsSync(file)) {
    mkdirSync(join(outDir, "blobs"), { recursive: true });
    writeFileSync(`${file}.tmp`, buf);
    renameSync(`${file}.tmp`, file);
  }
  return { mediaType, digest, size: buf.length };
}

export function publishModel(opts: PublishOptions): PublishResult {
  const repo = opts.name.includes("/") ? opts.name : `library/${opts.name}`;
  const tag = opts.tag ?? "latest";
  if (!/^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/.test(repo)) {
    throw new Error(`invalid model name: ${repo}`);
  }
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(tag)) throw new Error(`invalid tag: ${tag}`);
  const outDir = resolve(opts.outDir);
  const gguf = readFileSync(opts.gguf);
  const summary = readGgufSummary(gguf);
  const utf8 = (s: string) => new TextEncoder().encode(s);

  const layers: Descriptor[] = [writeBlob(outDir, MEDIA_TYPES.model, gguf)];
  const params = opts.params === undefined ? { num_predict: 16 } : opts.params;
  const template = opts.template === undefined ? "{{ .Prompt }}" : opts.template;
  if (template !== null) layers.push(writeBlob(outDir, MEDIA_TYPES.template, utf8(template)));
  if (opts.system) layers.push(writeBlob(outDir, MEDIA_TYPES.system, utf8(opts.system)));
  if (params !== null) layers.push(writeBlob(outDir, MEDIA_TYPES.params, utf8(JSON.stringify(params))));
  if (opts.license) layers.push(writeBlob(outDir, MEDIA_TYPES.license, utf8(opts.license)));

  const fileType = summary.fileType === undefined ? "unknown" : (FILE_TYPES[summary.fileType] ?? `type ${summary.fileType}`);
  const config = {
    model_format: "gguf",
    model_family: summary.architecture,
    model_families: [summary.architecture],
    model_type: humanParameters(summary.parameterCount),
    file_type: fileType,
    architecture: "amd64",
    os: "linux",
    rootfs: { type: "layers", diff_ids: layers.map((l) => l.digest) },
  };
  const configDesc = writeBlob(outDir, MEDIA_TYPES.config, utf8(JSON.stringify(config)));

  const manifest = { schemaVersion: 2, mediaType: MEDIA_TYPES.manifest, config: configDesc, layers };
  const manifestBytes = utf8(JSON.stringify(manifest));
  const dir = join(outDir, "manifests", ...repo.split("/"));
  mkdirSync(dir, { recursive: true });
  const manifestPath = join(dir, tag);
  writeFileSync(`${manifestPath}.tmp`, manifestBytes);
  renameSync(`${manifestPath}.tmp`, manifestPath);
  return { reference: `${repo}:${tag}`, manifestPath, manifestDigest: digestOf(manifestBytes), config: configDesc, layers };
}
