// A tiny read-only model registry that `ollama pull --insecure HOST:PORT/NS/NAME:TAG` accepts:
// the pull subset of the Docker/OCI distribution v2 API, served from a directory.
//
// Directory layout (MODELS_DIR, default /models, as publish-model.ts writes it; then
// IMAGE_MODELS_DIR if set, the models an image has built in; a model is served from the first
// directory that holds it):
//   manifests/<namespace>/<name>/<tag>   manifest JSON, served byte-for-byte
//   blobs/sha256-<hex>                   config and layer blobs
//
// Routes:
//   GET  /v2/                                    200 {}
//   GET  /v2/_catalog                            {"repositories":[...]}
//   GET  /v2/<repo>/tags/list                    {"name":..., "tags":[...]}
//   GET|HEAD /v2/<repo>/manifests/<tag|digest>   the manifest
//   GET|HEAD /v2/<repo>/blobs/<digest>           307 redirect to /blobdata/<digest>
//   GET|HEAD /blobdata/<digest>                  the bytes, with single-range support (206)
//
// Why the redirect, and why /blobdata answers with a Location header too: Ollama's puller asks
// the blob URL for a "direct URL" and reads it from resp.Location(). Its HTTP client follows a
// redirect that stays on the same host name (it stops only at another host, such as a CDN), so
// the response it finally sees is /blobdata's 200; that response therefore names itself in
// Location. A registry answering 200 without Location (CNCF distribution) makes the pull fail.
//   GET  /stats                                  request counters since start (JSON)
//   GET  /healthz                                200 "ok" (the healthcheck's target)
// /stats and /healthz are not counted in /stats, so polling them does not change the counts.
//
// Plain Node (>= 18), no dependencies.

import { createHash } from "node:crypto";
import { createReadStream, promises as fs } from "node:fs";
import http from "node:http";
import path from "node:path";

const PORT = Number(process.env.PORT || 5000);
const HOST = process.env.HOST || "0.0.0.0";
const MODELS_DIRS = [process.env.MODELS_DIR || "/models", process.env.IMAGE_MODELS_DIR].filter(Boolean).map((dir) => path.resolve(dir));

const MANIFEST_V2 = "application/vnd.docker.distribution.manifest.v2+json";
const DIGEST_RE = /^sha256:[a-f0-9]{64}$/;
const REPO_RE = /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/;
const TAG_RE = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

serve();

function serve() {
  const stats = { total: 0, v2: 0, catalog: 0, manifests: 0, blobs: 0, blobdata: 0, notFound: 0, bytesServed: 0 };

  const server = http.createServer(async (req, res) => {
    const started = process.hrtime.bigint();
    let bytes = 0;
    let counted = false;
    // "close" rather than "finish": also log responses the client abandoned (Ollama drops the
    // body of the GET it only asks for a Location).
    res.on("close", () => {
      if (counted) stats.bytesServed += bytes;
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const range = req.headers.range ? ` range=${req.headers.range}` : "";
      const aborted = res.writableFinished ? "" : " (client closed early)";
      console.log(`${req.method} ${req.url} ${res.statusCode} ${bytes}b ${ms.toFixed(1)}ms${range}${aborted}`);
    });
    const send = (status, headers, body) => {
      const buf = body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(body) ? body : Buffer.from(body);
      res.writeHead(status, { "Content-Length": String(buf.length), ...headers });
      if (req.method === "HEAD") return res.end();
      bytes = buf.length;
      res.end(buf);
    };
    const json = (status, obj, headers = {}) =>
      send(status, { "Content-Type": "application/json", ...headers }, JSON.stringify(obj) + "\n");
    const error = (status, code, message) => {
      stats.notFound += status === 404 ? 1 : 0;
      json(status, { errors: [{ code, message }] });
    };

    try {
      const url = new URL(req.url || "/", "http://registry");
      const p = url.pathname;
      counted = p !== "/stats" && p !== "/healthz";
      if (counted) stats.total++;
      if (req.method !== "GET" && req.method !== "HEAD") {
        return error(405, "UNSUPPORTED", "this registry is read-only");
      }
      const v2Headers = { "Docker-Distribution-Api-Version": "registry/2.0" };

      if (p === "/stats") return json(200, stats);
      if (p === "/healthz") return send(200, { "Content-Type": "text/plain" }, "ok\n");
      if (p === "/v2" || p === "/v2/") {
        stats.v2++;
        return json(200, {}, v2Headers);
      }
      if (p === "/v2/_catalog") {
        stats.catalog++;
        return json(200, { repositories: (await listRepos()).map((r) => r.repo) }, v2Headers);
      }
      let m = /^\/v2\/(.+)\/tags\/list$/.exec(p);
      if (m) {
        stats.catalog++;
        const repo = m[1];
        const found = (await listRepos()).find((r) => r.repo === repo);
        if (!found) return error(404, "NAME_UNKNOWN", `repository ${repo} not known to registry`);
        return json(200, { name: repo, tags: found.tags }, v2Headers);
      }
      m = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(p);
      if (m) {
        stats.manifests++;
        const [, repo, ref] = m;
        const manifest = await readManifest(repo, ref);
        if (!manifest) return error(404, "MANIFEST_UNKNOWN", `manifest unknown: ${repo}:${ref}`);
        let mediaType = MANIFEST_V2;
        try {
          mediaType = JSON.parse(manifest.toString("utf8")).mediaType || MANIFEST_V2;
        } catch {
          // not JSON: keep the default media type
        }
        return send(200, { ...v2Headers, "Content-Type": mediaType, "Docker-Content-Digest": sha256(manifest) }, manifest);
      }
      m = /^\/v2\/(.+)\/blobs\/([^/]+)$/.exec(p);
      if (m) {
        stats.blobs++;
        const [, repo, digest] = m;
        if (!REPO_RE.test(repo) || !DIGEST_RE.test(digest)) return error(400, "DIGEST_INVALID", "invalid name or digest");
        const st = await blobStat(digest);
        if (!st) return error(404, "BLOB_UNKNOWN", `blob unknown: ${digest}`);
        return send(307, { ...v2Headers, Location: `/blobdata/${digest}`, "Docker-Content-Digest": digest });
      }
      m = /^\/blobdata\/([^/]+)$/.exec(p);
      if (m) {
        stats.blobdata++;
        const digest = m[1];
        if (!DIGEST_RE.test(digest)) return error(400, "DIGEST_INVALID", "invalid digest");
        const st = await blobStat(digest);
        if (!st) return error(404, "BLOB_UNKNOWN", `blob unknown: ${digest}`);
        return sendBlob(req, res, digest, st, (n) => (bytes += n));
      }
      return error(404, "NOT_FOUND", `no route for ${p}`);
    } catch (err) {
      console.error(`error: ${req.method} ${req.url}: ${err && err.stack ? err.stack : err}`);
      if (!res.headersSent) error(500, "UNKNOWN", "internal error");
      else res.destroy();
    }
  });

  server.keepAliveTimeout = 5000;
  server.listen(PORT, HOST, async () => {
    const repos = await listRepos().catch(() => []);
    const names = repos.flatMap((r) => r.tags.map((t) => `${r.repo}:${t}`));
    console.log(`model-registry listening on ${HOST}:${PORT}, models from ${MODELS_DIRS.join(" and ")}: ${names.join(", ") || "(none)"}`);
  });

  let stopping = false;
  const stop = (signal) => {
    if (stopping) return;
    stopping = true;
    console.log(`model-registry: ${signal}, shutting down`);
    server.close(() => process.exit(0));
    server.closeAllConnections?.();
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

function sha256(buf) {
  return "sha256:" + createHash("sha256").update(buf).digest("hex");
}

/** The blob's path and size in the first models directory holding it, or null. */
async function blobStat(digest) {
  for (const dir of MODELS_DIRS) {
    const file = path.join(dir, "blobs", digest.replace(":", "-"));
    const st = await fs.stat(file).catch(() => null);
    if (st?.isFile()) return { file, size: st.size };
  }
  return null;
}

async function readManifest(repo, ref) {
  if (!REPO_RE.test(repo)) return null;
  for (const root of MODELS_DIRS) {
    const dir = path.join(root, "manifests", ...repo.split("/"));
    if (TAG_RE.test(ref)) {
      const buf = await fs.readFile(path.join(dir, ref)).catch(() => null);
      if (buf) return buf;
    } else if (DIGEST_RE.test(ref)) {
      // Reference by digest: find a tag of this repository whose manifest has that digest.
      for (const tag of await fs.readdir(dir).catch(() => [])) {
        const buf = await fs.readFile(path.join(dir, tag)).catch(() => null);
        if (buf && sha256(buf) === ref) return buf;
      }
    }
  }
  return null;
}

/** Repositories are the directories under manifests/ that hold tag files, across the models directories. */
async function listRepos() {
  const tagsByRepo = new Map();
  const walk = async (dir, parts) => {
    const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
    const tags = entries.filter((e) => e.isFile()).map((e) => e.name);
    if (tags.length && parts.length) {
      const repo = parts.join("/");
      tagsByRepo.set(repo, [...new Set([...(tagsByRepo.get(repo) ?? []), ...tags])].sort());
    }
    for (const e of entries.filter((e) => e.isDirectory())) await walk(path.join(dir, e.name), [...parts, e.name]);
  };
  for (const root of MODELS_DIRS) await walk(path.join(root, "manifests"), []);
  return [...tagsByRepo].sort(([a], [b]) => a.localeCompare(b)).map(([repo, tags]) => ({ repo, tags }));
}

/** Serve a blob with HEAD and single-range (bytes=a-b, a-, -n) support. */
function sendBlob(req, res, digest, { file, size }, countBytes) {
  const headers = {
    "Content-Type": "application/octet-stream",
    "Accept-Ranges": "bytes",
    "Docker-Content-Digest": digest,
    ETag: `"${digest}"`,
    Location: `/blobdata/${digest}`,
  };
  let start = 0;
  let end = size - 1;
  let status = 200;
  const range = req.headers.range;
  if (range) {
    const m = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
    if (!m || (m[1] === "" && m[2] === "")) {
      res.writeHead(416, { ...headers, "Content-Range": `bytes */${size}`, "Content-Length": "0" });
      return res.end();
    }
    if (m[1] === "") {
      start = Math.max(0, size - Number(m[2]));
    } else {
      start = Number(m[1]);
      if (m[2] !== "") end = Math.min(Number(m[2]), size - 1);
    }
    if (start >= size || start > end) {
      res.writeHead(416, { ...headers, "Content-Range": `bytes */${size}`, "Content-Length": "0" });
      return res.end();
    }
    status = 206;
    headers["Content-Range"] = `bytes ${start}-${end}/${size}`;
  }
  const length = size === 0 ? 0 : end - start + 1;
  res.writeHead(status, { ...headers, "Content-Length": String(length) });
  if (req.method === "HEAD" || length === 0) return res.end();
  const stream = createReadStream(file, { start, end });
  stream.on("data", (chunk) => countBytes(chunk.length));
  stream.on("error", () => res.destroy());
  res.on("close", () => stream.destroy());
  stream.pipe(res);
}
