import { getContainerRuntimeClient, Wait, type StartedTestContainer } from "testcontainers";
import { specOf, type ServiceName } from "../../harness/catalog/catalog.ts";
import { copyInto } from "../../harness/engine/copy-files.ts";
import { portsPodmanBinds } from "../../harness/engine/engine-kind.ts";
import { loopback } from "../../harness/engine/published-ports.ts";
import { StackContainer } from "../../harness/engine/stack-container.ts";
import { runLabels } from "../../harness/engine/resource-names.ts";
import type { Stack } from "../../harness/index.ts";

export interface SiblingOptions {
  /** A DNS name for the sibling on the stack network. */
  alias?: string;
  /** Host files to copy in: { source, target }. */
  files?: Array<{ source: string; target: string }>;
}

/**
 * A second container of a service's image on the stack network, with the service's
 * environment and files but without its server: a client beside it, or a server that is down.
 */
export async function startSibling<Names extends ServiceName>(
  stack: Stack<Names>,
  name: Names,
  options: SiblingOptions = {},
): Promise<StartedTestContainer> {
  const spec = specOf(name);
  const sibling = new StackContainer(stack.image(name))
    .withLabels(runLabels(stack.runId))
    .withNetworkMode(stack.network)
    .withEnvironment(spec.environment)
    .withEntrypoint(["sleep"])
    .withCommand(["900"]);
  if (options.alias) sibling.withNetworkAliases(options.alias);
  const podmanBinds = await portsPodmanBinds(await getContainerRuntimeClient(), stack.image(name));
  // On the loopback address of the engine's host, where nothing else reaches them.
  // Started once it runs: nothing listens on them (testcontainers would wait for that).
  if (podmanBinds.length > 0) sibling.withPublishedPorts(loopback, new Map(podmanBinds.map((port) => [port, 0]))).withWaitStrategy(Wait.forSuccessfulCommand("true"));
  return copyInto(sibling, [...((await spec.files?.()) ?? []), ...(options.files ?? [])]).start();
}

export async function run(
  container: StartedTestContainer,
  command: string,
): Promise<{ exitCode: number; output: string; stdout: string }> {
  const { exitCode, output, stdout } = await container.exec(["sh", "-c", command]);
  return { exitCode, output, stdout };
}
