import { describe, expect, it } from "vitest";
import { specOf } from "../../harness/catalog/catalog.ts";
import { imageTrack, resolveImage } from "../../harness/images/track.ts";

const pgvector = specOf("pgvector");

describe("image resolution", () => {
  it("defaults to the pinned upstream image", () => {
    expect(resolveImage(pgvector, imageTrack(undefined, {}), {})).toBe("pgvector/pgvector:0.8.6-pg17-bookworm");
  });

  it("selects the look-alike image with STACK_HARNESS_IMAGES=lookalike", () => {
    const env = { STACK_HARNESS_IMAGES: "lookalike" };
    expect(resolveImage(pgvector, imageTrack(undefined, env), env)).toBe("stack-harness/pgvector:lookalike");
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
    expect(() => imageTrack(undefined, { STACK_HARNESS_IMAGES: "latest" })).toThrow(
      /unknown image track "latest".*\nFix: .*"upstream" or "lookalike"/,
    );
  });
});
