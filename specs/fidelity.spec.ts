import { getContainerRuntimeClient } from "testcontainers";
import { describe, expect, it } from "vitest";
import { serviceNames, specOf } from "../harness/catalog/catalog.ts";
import { lastLogLinesOf } from "../harness/engine/container-logs.ts";
import { lookalikeImage } from "../harness/images/lookalike.ts";

/** One spec per look-alike image: the first service of each recipe. */
const recipes = [...new Map(serviceNames.map(specOf).map((spec) => [lookalikeImage(spec), spec])).values()];

/** What a command prints in a new container of the image, which is removed after. */
async function printed(image: string, command: string): Promise<string> {
  const docker = (await getContainerRuntimeClient()).container.dockerode;
  const container = await docker.createContainer({ Image: image, Entrypoint: ["sh", "-c"], Cmd: [command], User: "0" });
  try {
    await container.start();
    await container.wait();
    return await lastLogLinesOf(container, 200);
  } finally {
    await container.remove({ force: true });
  }
}

const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

describe("the README's fidelity table", () => {
  it.each(recipes.map((spec) => [lookalikeImage(spec), spec] as const))("%s runs the version the catalog says", async (image, spec) => {
    const { version, versionCommand } = spec.lookalike;
    // Not a longer version that starts or ends the same (7.4.1 is not 7.4.11).
    expect(await printed(image, versionCommand)).toMatch(new RegExp(`(^|[^0-9.])${escaped(version)}([^0-9]|$)`, "m"));
  });

  it.each(recipes.map((spec) => [lookalikeImage(spec), spec] as const))("%s names a pinned tag and at least one difference, each fit for a table cell", (_, spec) => {
    expect(spec.upstreamImage).toMatch(/:[\w.-]+$/);
    expect(spec.lookalike.differences.length).toBeGreaterThan(0);
    // An unescaped "|" would end the README's table cell.
    for (const text of [...spec.lookalike.differences, spec.lookalike.alike]) expect(text).not.toMatch(/(^|[^\\])\|/);
  });
});
