import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const harness = join(root, "harness");

/**
 * harness/ from the bottom up, as README "Architecture" draws it: a module imports from its own
 * layer and those below it, never from one above.
 */
const layers: readonly (readonly string[])[] = [
  ["errors.ts", "common"],
  ["catalog"],
  ["images"],
  ["engine"],
  ["cleanup"],
  ["faults"],
  ["data"],
  ["stack.ts"],
  ["boot"],
  ["compose", "vitest"],
  ["cli"],
  ["index.ts", "vitest.ts", "cli.ts"],
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (entry === "node_modules" || entry === "dist") return [];
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|mjs)$/.test(entry) && !entry.endsWith(".d.ts") ? [path] : [];
  });
}

/** The files a module imports by relative path: static, type-only, re-exports and dynamic imports alike. */
function relativeImports(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
  return importedFiles
    .map((imported) => imported.fileName)
    .filter((name) => name.startsWith("."))
    .map((name) => resolve(dirname(file), name))
    .map((target) => [target, target.replace(/\.js$/, ".ts"), join(target, "index.ts")].find((candidate) => existsSync(candidate) && statSync(candidate).isFile()) ?? target);
}

/** The import circles of a graph: its strongly connected components of more than one module, or a module importing itself. */
function circlesOf(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const circles: string[][] = [];
  const visit = (node: string) => {
    index.set(node, counter);
    low.set(node, counter++);
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (stack.includes(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || (graph.get(node) ?? []).includes(node)) circles.push(component.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return circles;
}

/** The layer of a harness/ module: the rank of its top-level folder or file. */
function layerOf(file: string): number {
  const top = relative(harness, file).split(sep)[0]!;
  return layers.findIndex((layer) => layer.includes(top));
}

const files = ["harness", "specs", "bench", "fixtures"].flatMap((dir) => sourceFiles(join(root, dir)));
const graph = new Map(files.map((file) => [file, relativeImports(file)]));
const shown = (file: string) => relative(root, file);

describe("imports", () => {
  it("form no circle in harness/, specs/, bench/ or fixtures/", () => {
    expect(circlesOf(graph).map((circle) => circle.map(shown).join(" -> "))).toEqual([]);
  });

  it("would be caught in a circle (negative control)", () => {
    const made = new Map([["a", ["b"]], ["b", ["c"]], ["c", ["a"]], ["d", ["a"]], ["e", ["e"]]]);
    expect(circlesOf(made)).toEqual([["a", "b", "c"], ["e"]]);
  });

  it("point down the layers of harness/, and never out of it", () => {
    const wrongWay = [...graph]
      .filter(([file]) => file.startsWith(harness + sep))
      .flatMap(([file, targets]) =>
        targets
          .filter((target) => !target.startsWith(harness + sep) || layerOf(target) > layerOf(file))
          .map((target) => `${shown(file)} imports ${shown(target)}`),
      );
    expect(wrongWay).toEqual([]);
  });

  it("leave harness/ with only the entry files and the layers' folders and modules at its top", () => {
    const top = readdirSync(harness).sort();
    expect(top.filter((entry) => !layers.flat().includes(entry))).toEqual([]);
    expect(layers.flat().filter((entry) => !top.includes(entry))).toEqual([]);
  });
});
