import type { Socket } from "node:net";
import type { ContainerRuntimeClient } from "testcontainers";
import { runLabel } from "./labels.ts";

/**
 * Calls `onDie(containerId)` whenever a container of the run stops, for whatever reason, until
 * the returned function is called. The watch does not keep the process alive.
 */
export async function watchDeaths(
  engine: ContainerRuntimeClient,
  runId: string,
  onDie: (containerId: string) => void,
): Promise<() => void> {
  const filters = { type: ["container" as const], event: ["die"], label: [`${runLabel}=${runId}`] };
  const events = (await engine.container.dockerode.getEvents({ filters })) as unknown as NodeJS.ReadableStream & { socket?: Socket; destroy(): void };
  events.on("error", () => {});
  events.socket?.unref();
  let partial = "";
  events.on("data", (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines.filter(Boolean)) onDie((JSON.parse(line) as { id: string }).id);
  });
  return () => events.destroy();
}
