import { GenericContainer, type StartedTestContainer } from "testcontainers";
import { specOf, type ServiceName } from "../../harness/catalog/catalog.ts";
import { copyInto } from "../../harness/engine/copy-files.ts";
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
  const sibling = new GenericContainer(stack.image(name))
    .withLabels(runLabels(stack.runId))
    .withNetworkMode(stack.network)
    .withEnvironment(spec.environment)
    .withEntrypoint(["sleep"])
    .withCommand(["900"]);
  if (options.alias) sibling.withNetworkAliases(options.alias);
  return copyInto(sibling, [...((await spec.files?.()) ?? []), ...(options.files ?? [])]).start();
}

export async function run(
  container: StartedTestContainer,
  command: string,
): Promise<{ exitCode: number; output: string; stdout: string }> {
  const { exitCode, output, stdout } = await container.exec(["sh", "-c", command]);
  return { exitCode, output, stdout };
}
