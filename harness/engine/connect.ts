import { getContainerRuntimeClient, type ContainerRuntimeClient } from "testcontainers";
import { StackError } from "../errors.ts";

const engineTimeoutMs = 5_000;

/** Connects to the Docker engine, or fails within 5 s saying how to start one. */
export async function connectEngine(): Promise<ContainerRuntimeClient> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${engineTimeoutMs / 1000} s`)), engineTimeoutMs);
  });
  try {
    return await Promise.race([getContainerRuntimeClient(), timeout]);
  } catch (error) {
    throw new StackError({
      code: "engine-unreachable",
      problem: `the Docker engine is not reachable (${firstLine(error)}).`,
      fix:
        "start a Docker engine (Docker Desktop, `sudo systemctl start docker`, or `sudo dockerd &`) " +
        "and check that `docker info` answers; for a remote engine set DOCKER_HOST.",
      cause: error,
    });
  } finally {
    clearTimeout(timer);
  }
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0] ?? message;
}
