import { connect } from "node:net";
import { getContainerRuntimeClient } from "testcontainers";
import { specOf, type ServiceName } from "../../harness/catalog/catalog.ts";
import type { Endpoint, Stack } from "../../harness/index.ts";

/** Where this machine reaches a service: its endpoint, and the host port of each container port it publishes. */
export function reachOf<Names extends ServiceName>(stack: Stack<Names>, name: Names): { endpoint: Endpoint; hostPorts: Record<number, number> } {
  const { port, extraPorts = [] } = specOf(name);
  return { endpoint: stack.hostEndpoint(name), hostPorts: Object.fromEntries([port, ...extraPorts].map((containerPort) => [containerPort, stack.mappedPort(name, containerPort)])) };
}

/** The engine's own record of where the service's container ports listen: `port/protocol hostIp:hostPort`. */
export async function portBindings<Names extends ServiceName>(stack: Stack<Names>, name: Names): Promise<string[]> {
  const docker = (await getContainerRuntimeClient()).container.dockerode;
  const { NetworkSettings: settings } = await docker.getContainer(stack.containerId(name)).inspect();
  return Object.entries(settings.Ports ?? {}).flatMap(([port, bindings]) => (bindings ?? []).map(({ HostIp, HostPort }) => `${port} ${HostIp}:${HostPort}`));
}

/** Whether a TCP connection to host:port is accepted (false when refused). */
export function connects(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}
