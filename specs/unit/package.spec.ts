import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { serviceNames, specOf } from "../../harness/catalog/catalog.ts";
import { faultProxyImage } from "../../harness/images/fault-proxy-image.ts";
import { lookalikeRecipe } from "../../harness/images/lookalike.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const run = promisify(execFile);

describe("the npm package", () => {
  it("packs compiled JS, type declarations and the image recipes, without downloaded artifacts or source maps", async () => {
    const { stdout } = await run("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: root });
    const files = (JSON.parse(stdout) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((file) => file.path);
    for (const path of ["dist/harness/index.js", "dist/harness/index.d.ts", "dist/harness/cli.js", "README.md"]) {
      expect(files).toContain(path);
    }
    for (const name of serviceNames) expect(files).toContain(`images/${lookalikeRecipe(specOf(name))}/Dockerfile`);
    expect(files).toContain(`images/${faultProxyImage.recipe}/Dockerfile`);
    expect(files.filter((path) => path.includes("/artifacts/") || path.startsWith("specs/"))).toEqual([]);
    // Source maps would name sources the package leaves out, and vite warns of each in every app run.
    expect(files.filter((path) => path.endsWith(".map"))).toEqual([]);
  });

  it("is importable by its name, with bootStack and its types", async () => {
    const script = `import("stack-harness").then((m) => console.log(typeof m.bootStack, m.serviceNames.join(",")))`;
    const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], { cwd: root });
    expect(stdout.trim()).toBe(`function ${serviceNames.join(",")}`);
    const types = await readFile(`${root}dist/harness/index.d.ts`, "utf8");
    for (const name of ["bootStack", "Stack", "StackError"]) expect(types).toMatch(new RegExp(`export \\{ ${name}\\b`));
    expect(types).toMatch(/export type \{ BootOptions\b/);
  });
});
