import { createServer, type Server } from "node:net";
import type { ContainerRuntimeClient, StartedTestContainer } from "testcontainers";

/** The address a local engine publishes ports on by default: reachable from this machine only. */
export const loopback = "127.0.0.1";

/** The variable that chooses another address, for bootStack and docker-compose.yml. */
export const publishAddressVariable = "STACK_HARNESS_PUBLISH_ADDRESS";

/** How often a first start tries other free host ports when one it chose was taken before the engine bound it. */
export const portAttempts = 3;

/** Whether the engine runs on this machine (a Unix socket or named pipe), so that its published ports are this machine's. */
export function isLocalEngine(engine: ContainerRuntimeClient): boolean {
  return Boolean((engine.container.dockerode.modem as { socketPath?: unknown }).socketPath);
}

/** Whether an address is every address of the host (`0.0.0.0`, `::`). */
export function isWildcard(address: string): boolean {
  return address === "0.0.0.0" || address === "::";
}

/** The address ports are published on: the one asked for, else loopback on a local engine; undefined for every address. */
export function publishAddressOn(requested: string | undefined, localEngine: boolean): string | undefined {
  return requested ?? (localEngine ? loopback : undefined);
}

/** Host ports for `count` container ports: free ones of this machine on a local engine, 0 (the engine picks) on a remote one. */
export async function hostPortsFor(localEngine: boolean, publishAddress: string | undefined, count: number): Promise<number[]> {
  return localEngine ? await freeHostPorts(publishAddress ?? loopback, count) : Array.from({ length: count }, () => 0);
}

/**
 * The host this machine reaches a container's published ports at. On a local engine that is the
 * address they are published on: testcontainers' own guess is the bridge's gateway wherever
 * /.dockerenv exists (172.17.0.1 in CI), where loopback-published ports refuse connections.
 */
export function publishedHost(container: StartedTestContainer, localEngine: boolean, publishAddress: string | undefined): string {
  return localEngine && publishAddress && !isWildcard(publishAddress) ? publishAddress : container.getHost();
}

/**
 * Ports free on `address` of this machine now, distinct from each other: each held open by a
 * listener until all are found, so none is handed out twice.
 */
async function freeHostPorts(address: string, count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () =>
      new Promise<Server>((resolve, reject) => {
        const server = createServer();
        server.once("error", reject);
        server.listen(0, address, () => resolve(server));
      }),
    ),
  );
  const ports = servers.map((server) => (server.address() as { port: number }).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}
