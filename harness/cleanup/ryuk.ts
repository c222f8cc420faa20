import { getReaper, type ContainerRuntimeClient } from "testcontainers";
import { StackError } from "../errors.ts";

/**
 * Starts testcontainers' Ryuk reaper now, unless TESTCONTAINERS_RYUK_DISABLED=true, so that an
 * image that cannot be pulled is named as Ryuk's rather than as the first service's.
 */
export async function startRyuk(engine: ContainerRuntimeClient): Promise<void> {
  try {
    await getReaper(engine);
  } catch (error) {
    throw new StackError({
      code: "ryuk-failed",
      problem: `testcontainers could not start its Ryuk reaper container (${String(error).split("\n")[0]?.trim()}).`,
      fix:
        "where the Ryuk image cannot be pulled, set TESTCONTAINERS_RYUK_DISABLED=true (the harness's own reaper process " +
        "still removes what a dead run leaves), or point RYUK_CONTAINER_IMAGE at a mirror of testcontainers/ryuk.",
      cause: error,
    });
  }
}
