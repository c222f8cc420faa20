import { StackError } from "../errors.ts";

/** An image reference split into the registry that serves it, the repository and the tag. */
export interface ImageReference {
  /** `docker.io` for Docker Hub, else the registry host. */
  registry: string;
  /** As the registry names it: `library/redis`, `elasticsearch/elasticsearch`. */
  repository: string;
  tag: string;
}

/** A tag read as a version: `7.4.11-alpine` is `[7, 4, 11]` and the suffix `-alpine`. */
interface TagVersion {
  numbers: number[];
  suffix: string;
}

export function parseImageReference(image: string): ImageReference {
  const colon = image.lastIndexOf(":");
  if (colon <= image.lastIndexOf("/") || image.includes("@")) {
    throw new StackError({ code: "tag-lookup-failed", problem: `"${image}" has no tag to compare versions by.`, fix: "pin the image by a versioned tag." });
  }
  const name = image.slice(0, colon);
  const first = name.split("/")[0]!;
  const hasRegistry = name.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost");
  const path = hasRegistry ? name.slice(first.length + 1) : name;
  return {
    registry: hasRegistry ? first : "docker.io",
    repository: !hasRegistry && !path.includes("/") ? `library/${path}` : path,
    tag: image.slice(colon + 1),
  };
}

function tagVersion(tag: string): TagVersion | undefined {
  const match = /^(\d+(?:\.\d+)*)(.*)$/.exec(tag);
  return match ? { numbers: match[1]!.split(".").map(Number), suffix: match[2]! } : undefined;
}

/**
 * The version prefix that a newer tag must keep: the major version, and for a 0.x version also the
 * minor one, since below 1.0 a minor release is the one allowed to break (semver).
 */
function line(version: TagVersion): number[] {
  return version.numbers.slice(0, version.numbers[0] === 0 ? 2 : 1);
}

function compareNumbers(left: number[], right: number[]): number {
  for (let index = 0; index < Math.max(left.length, right.length); index++) {
    const difference = (left[index] ?? -1) - (right[index] ?? -1);
    if (difference !== 0) return difference;
  }
  return 0;
}

/**
 * The newest of `tags` on the pinned tag's line: the same major version (major and minor below
 * 1.0) and the same suffix (variant), so `redis` `7.4.11-alpine` may become `7.6.2-alpine` but
 * neither `8.0.1-alpine` nor `7.6.2-bookworm` nor `7.6.0-rc1-alpine`. Between equal versions the
 * more precise tag wins (`7.6.2-alpine` over `7.6-alpine`), so the answer names one release.
 */
export function newestOnLine(pinnedTag: string, tags: readonly string[]): string {
  const pinned = tagVersion(pinnedTag);
  if (!pinned) {
    throw new StackError({ code: "tag-lookup-failed", problem: `the tag "${pinnedTag}" does not start with a version.`, fix: "pin the image by a versioned tag." });
  }
  const wanted = line(pinned);
  let newest = { tag: pinnedTag, numbers: pinned.numbers };
  for (const tag of tags) {
    const version = tagVersion(tag);
    if (!version || version.suffix !== pinned.suffix || compareNumbers(version.numbers.slice(0, wanted.length), wanted) !== 0) continue;
    if (compareNumbers(version.numbers, newest.numbers) > 0) newest = { tag, numbers: version.numbers };
  }
  return newest.tag;
}

/** The image with the newest tag on its pinned tag's line, from the registry that serves it. */
export async function newestImage(pinnedImage: string): Promise<string> {
  const reference = parseImageReference(pinnedImage);
  const pinned = tagVersion(reference.tag);
  const tags = await listTags(reference, pinned ? `${line(pinned).join(".")}.` : "");
  return `${pinnedImage.slice(0, pinnedImage.lastIndexOf(":"))}:${newestOnLine(reference.tag, tags)}`;
}

/**
 * The tags of the repository: from Docker Hub's API (only those containing `nameFilter`), or from
 * any other registry's `/v2/<repository>/tags/list` (all of them).
 */
export async function listTags(reference: ImageReference, nameFilter = ""): Promise<string[]> {
  const where = reference.registry === "docker.io" ? "hub.docker.com" : reference.registry;
  try {
    return reference.registry === "docker.io"
      ? await dockerHubTags(reference.repository, nameFilter)
      : await registryTags(reference.registry, reference.repository);
  } catch (error) {
    throw new StackError({
      code: "tag-lookup-failed",
      problem: `could not list the tags of ${reference.repository} from ${where}: ${reason(error)}.`,
      fix: `run this where ${where} is reachable over HTTPS, or use the pinned tags (\`--tags pinned\`), which need no registry.`,
    });
  }
}

const maxPages = 100;

async function dockerHubTags(repository: string, nameFilter: string): Promise<string[]> {
  const tags: string[] = [];
  const query = new URLSearchParams({ page_size: "100", ...(nameFilter ? { name: nameFilter } : {}) });
  let next: string | null = `https://hub.docker.com/v2/repositories/${repository}/tags?${query}`;
  for (let page = 0; next && page < maxPages; page++) {
    const body = (await ok(await get(next)).json()) as { next: string | null; results: Array<{ name: string }> };
    tags.push(...body.results.map((result) => result.name));
    next = body.next;
  }
  return tags;
}

async function registryTags(registry: string, repository: string): Promise<string[]> {
  const tags: string[] = [];
  let next: string | undefined = `https://${registry}/v2/${repository}/tags/list?n=1000`;
  let authorization: string | undefined;
  for (let page = 0; next && page < maxPages; page++) {
    let response = await get(next, authorization);
    if (response.status === 401 && !authorization) {
      authorization = `Bearer ${await anonymousToken(response.headers.get("www-authenticate") ?? "")}`;
      response = await get(next, authorization);
    }
    tags.push(...((await ok(response).json()) as { tags: string[] | null }).tags ?? []);
    const link = /<([^>]+)>;\s*rel="next"/.exec(response.headers.get("link") ?? "")?.[1];
    next = link ? new URL(link, next).href : undefined;
  }
  return tags;
}

/** Follows a `Bearer realm="...",service="...",scope="..."` challenge without credentials. */
async function anonymousToken(challenge: string): Promise<string> {
  const fields = Object.fromEntries([...challenge.matchAll(/(\w+)="([^"]*)"/g)].map((match) => [match[1]!, match[2]!]));
  if (!challenge.startsWith("Bearer ") || !fields.realm) throw new Error(`unexpected authentication challenge "${challenge}"`);
  const url = new URL(fields.realm);
  for (const key of ["service", "scope"]) if (fields[key]) url.searchParams.set(key, fields[key]);
  const body = (await ok(await get(url.href)).json()) as { token?: string; access_token?: string };
  const token = body.token ?? body.access_token;
  if (!token) throw new Error(`${url.origin} gave no token`);
  return token;
}

function get(url: string, authorization?: string): Promise<Response> {
  return fetch(url, { headers: authorization ? { authorization } : {}, signal: AbortSignal.timeout(30_000) });
}

function ok(response: Response): Response {
  if (!response.ok) throw new Error(`${response.url} answered ${response.status} ${response.statusText}`);
  return response;
}

function reason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
  return `${error.message}${cause}`;
}
