import { describe, expect, it } from "vitest";
import { specOf } from "../../harness/catalog/catalog.ts";
import { registryOf } from "../../harness/images/registries.ts";
import { imageChoice, resolveImage } from "../../harness/images/track.ts";

const pgvector = specOf("pgvector");

describe("image resolution", () => {
  it("chooses automatically unless STACK_HARNESS_IMAGES or the option says otherwise", () => {
    expect(imageChoice(undefined, {})).toBe("auto");
    expect(imageChoice(undefined, { STACK_HARNESS_IMAGES: "lookalike" })).toBe("lookalike");
    expect(imageChoice("upstream", { STACK_HARNESS_IMAGES: "lookalike" })).toBe("upstream");
  });

  it("resolves the pinned upstream image and the look-alike image", () => {
    expect(resolveImage(pgvector, "upstream", {})).toBe("pgvector/pgvector:0.8.6-pg17-bookworm");
    expect(resolveImage(pgvector, "lookalike", {})).toBe("stack-harness/pgvector:lookalike");
  });

  it.each([
    ["pgvector/pgvector:0.8.6-pg17-bookworm", "registry-1.docker.io"],
    ["redis:7.4.11-alpine", "registry-1.docker.io"],
    ["docker.elastic.co/elasticsearch/elasticsearch:8.19.20", "docker.elastic.co"],
    ["mirror.local:5000/redis:7", "mirror.local:5000"],
    ["localhost/app:1", "localhost"],
  ])("pulls %s from %s", (image, registry) => {
    expect(registryOf(image)).toBe(registry);
  });

  it("lets one variable per service override the image", () => {
    const env = { STACK_HARNESS_IMAGE_PGVECTOR: "example/pg:1" };
    expect(resolveImage(pgvector, "lookalike", env)).toBe("example/pg:1");
  });

  it("puts upstream images behind a registry mirror", () => {
    expect(resolveImage(pgvector, "upstream", { STACK_HARNESS_REGISTRY: "mirror.local:5000/" })).toBe(
      "mirror.local:5000/pgvector/pgvector:0.8.6-pg17-bookworm",
    );
  });

  it("refuses an unknown track, naming the valid ones", () => {
    expect(() => imageChoice(undefined, { STACK_HARNESS_IMAGES: "latest" })).toThrow(
      /unknown image track "latest".*\nFix: .*"auto", "upstream" or "lookalike"/,
    );
  });
});
