import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** A path inside the stack-harness package, from its source (harness/) or its build (dist/harness/). */
export function packagePath(relative: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`stack-harness: no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
  return join(dir, relative);
}
