import type { Socket } from "node:net";
import type { ContainerRuntimeClient } from "testcontainers";

export type EngineEvents = NodeJS.ReadableStream & { socket?: Socket; destroy(): void };

/** The engine's event stream for these filters (docker's /events); destroy it when done. */
export async function engineEvents(engine: ContainerRuntimeClient, filters: Record<string, string[]>): Promise<EngineEvents> {
  const events = (await engine.container.dockerode.getEvents({ filters })) as unknown as EngineEvents;
  events.on("error", () => {});
  return events;
}
