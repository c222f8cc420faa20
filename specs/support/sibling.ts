import { GenericContainer, type StartedTestContainer } from "testcontainers";
import type { ServiceName } from "../../harness/catalog.ts";
import { specOf } from "../../harness/catalog.ts";
import { runLabels } from "../../harness/labels.ts";
import type { Stack } from "../../harness/stack.ts";

/**
 * A second container of a service's image on the stack network, with the service's
 * environment but without its server: a client beside the service, or a server that is down.
 */
export async function startSibling(stack: Stack, name: ServiceName): Promise<StartedTestContainer> {
  const spec = specOf(name);
  return new GenericContainer(stack.image(name))
    .withLabels(runLabels(stack.runId))
    .withNetworkMode(stack.network)
    .withEnvironment(spec.environment)
    .withEntrypoint(["sleep"])
    .withCommand(["600"])
    .start();
}

export async function run(container: StartedTestContainer, command: string): Promise<{ exitCode: number; output: string }> {
  const { exitCode, output } = await container.exec(["sh", "-c", command]);
  return { exitCode, output };
}
