import { getContainerRuntimeClient, type ContainerRuntimeClient } from "testcontainers";
import { StackError } from "../errors.ts";
import { registriesAnswering, registryOf } from "../images/registries.ts";

const engineTimeoutMs = 5_000;

/**
 * Connects to the Docker engine, or fails within 5 s saying how to start one. Where
 * TESTCONTAINERS_RYUK_DISABLED is unset and testcontainers' Ryuk image is neither on the engine nor
 * pullable (its registry does not answer), Ryuk is left out, as that variable would: the harness's
 * own reaper process removes what a dead run leaves.
 */
export async function connectEngine(): Promise<ContainerRuntimeClient> {
  const engine = await reachEngine();
  if (process.env.TESTCONTAINERS_RYUK_DISABLED === undefined && !(await ryukAvailable(engine))) {
    process.env.TESTCONTAINERS_RYUK_DISABLED = "true";
  }
  return engine;
}

async function ryukAvailable(engine: ContainerRuntimeClient): Promise<boolean> {
  const image = process.env.RYUK_CONTAINER_IMAGE ?? "testcontainers/ryuk";
  const reference = image.includes(":", image.lastIndexOf("/") + 1) ? image : `${image}:*`;
  if ((await engine.container.dockerode.listImages({ filters: { reference: [reference] } })).length > 0) return true;
  const registry = registryOf(image);
  return (await registriesAnswering([registry]))[registry]!;
}

async function reachEngine(): Promise<ContainerRuntimeClient> {
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
