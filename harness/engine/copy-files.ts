import { statSync } from "node:fs";
import type { GenericContainer } from "testcontainers";

/** Copies host files or directories into a container before it starts. */
export function copyInto(container: GenericContainer, files: ReadonlyArray<{ source: string; target: string }>): GenericContainer {
  for (const { source, target } of files) {
    if (statSync(source).isDirectory()) container.withCopyDirectoriesToContainer([{ source, target }]);
    else container.withCopyFilesToContainer([{ source, target, mode: 0o644 }]);
  }
  return container;
}
