import { once } from "node:events";
import { createServer, type AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { serviceNames, specOf } from "../../harness/catalog/catalog.ts";
import { listTags, newestImage, newestOnLine, parseImageReference } from "../../harness/images/newest-tags.ts";

describe("image references", () => {
  it("name Docker Hub's official images under library/", () => {
    expect(parseImageReference("redis:7.4.11-alpine")).toEqual({ registry: "docker.io", repository: "library/redis", tag: "7.4.11-alpine" });
    expect(parseImageReference("pgvector/pgvector:0.8.6-pg17-bookworm")).toEqual({
      registry: "docker.io",
      repository: "pgvector/pgvector",
      tag: "0.8.6-pg17-bookworm",
    });
  });

  it("keep another registry's host apart from the repository", () => {
    expect(parseImageReference("docker.elastic.co/elasticsearch/elasticsearch:8.19.20")).toEqual({
      registry: "docker.elastic.co",
      repository: "elasticsearch/elasticsearch",
      tag: "8.19.20",
    });
    expect(parseImageReference("localhost:5000/redis:7.4.11")).toEqual({ registry: "localhost:5000", repository: "redis", tag: "7.4.11" });
  });

  it("are refused without a tag", () => {
    expect(() => parseImageReference("redis")).toThrow(/"redis" has no tag/);
    expect(() => parseImageReference("localhost:5000/redis")).toThrow(/has no tag/);
  });

  it("of every catalog service have a versioned tag", () => {
    for (const name of serviceNames) expect(newestOnLine(parseImageReference(specOf(name).upstreamImage).tag, [])).toMatch(/^\d/);
  });
});

describe("the newest tag of a pin's line", () => {
  it("keeps the major version and the variant (redis)", () => {
    const tags = ["7.4.11-alpine", "7.4.12-alpine", "7.6.2-alpine", "7.6.2", "7.6.2-bookworm", "7.6-alpine", "7-alpine", "8.0.1-alpine", "7.8.0-rc1-alpine", "7.6.2-alpine3.21", "latest", "alpine"];
    expect(newestOnLine("7.4.11-alpine", tags)).toBe("7.6.2-alpine");
  });

  it("keeps the minor version too below 1.0 (pgvector, ollama)", () => {
    const pgvector = ["0.8.6-pg17-bookworm", "0.8.7-pg17-bookworm", "0.8.7-pg16-bookworm", "0.8.9-pg17-trixie", "0.9.0-pg17-bookworm", "0.8-pg17-bookworm", "pg17"];
    expect(newestOnLine("0.8.6-pg17-bookworm", pgvector)).toBe("0.8.7-pg17-bookworm");
    expect(newestOnLine("0.32.15", ["0.32.15", "0.32.16", "0.32.17-rc0", "0.33.0", "0.32.16-rocm", "latest", "rocm"])).toBe("0.32.16");
  });

  it("compares numbers, not text (neo4j, elasticsearch)", () => {
    expect(newestOnLine("5.26.29-community", ["5.26.9-community", "5.26.30-community", "5.3.0-community", "5.26.31-enterprise", "2026.07.1-community"])).toBe(
      "5.26.30-community",
    );
    expect(newestOnLine("8.19.20", ["8.19.3", "8.19.21", "8.9.9", "9.4.4", "8.19.21-arm64", "8.19.22-SNAPSHOT"])).toBe("8.19.21");
  });

  it("stays on 3.x with the same Scala, Java, Python and OS variant (spark)", () => {
    const tags = ["3.5.8-scala2.12-java17-python3-ubuntu", "3.5.9-scala2.12-java17-python3-ubuntu", "3.5.9-scala2.12-java11-python3-ubuntu", "3.5.9-java17-python3", "4.1.2-scala2.13-java17-python3-ubuntu", "3.5.9"];
    expect(newestOnLine("3.5.8-scala2.12-java17-python3-ubuntu", tags)).toBe("3.5.9-scala2.12-java17-python3-ubuntu");
  });

  it("names one release: the most precise of equal versions, also for a floating pin (node)", () => {
    expect(newestOnLine("22-bookworm-slim", ["22-bookworm-slim", "22.22-bookworm-slim", "22.22.1-bookworm-slim", "24.11.0-bookworm-slim", "22.22.1-slim"])).toBe(
      "22.22.1-bookworm-slim",
    );
  });

  it("is the pin itself when nothing newer is listed", () => {
    expect(newestOnLine("1.5.9", ["1.5.8", "1.5.9", "0.6.3", "2.0.0-beta"])).toBe("1.5.9");
    expect(newestOnLine("1.5.9", [])).toBe("1.5.9");
  });
});

describe("looking tags up", () => {
  it("fails with the registry, the cause and the fix when the registry cannot be reached", async () => {
    const registry = `127.0.0.1:${await closedPort()}`;
    await expect(listTags(parseImageReference(`${registry}/elasticsearch/elasticsearch:8.19.20`))).rejects.toThrow(
      new RegExp(
        `could not list the tags of elasticsearch/elasticsearch from ${registry}: fetch failed: .*ECONNREFUSED.*\\n` +
          `Fix: run this where ${registry} is reachable over HTTPS, or use the pinned tags`,
        "s",
      ),
    );
    await expect(newestImage(`${registry}/redis:7.4.11-alpine`)).rejects.toThrow(`could not list the tags of redis from ${registry}`);
  });
});

/** A local port nothing listens on: the one a server just gave back. */
async function closedPort(): Promise<number> {
  const server = createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
