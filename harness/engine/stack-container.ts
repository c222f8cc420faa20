import { GenericContainer } from "testcontainers";

/** A service's container: on the stack network alone, its ports published on one address. */
export class StackContainer extends GenericContainer {
  /**
   * Joins the network at creation under its aliases, and no other network. (testcontainers'
   * withNetworkAliases creates the container on the engine's default bridge and connects it to the
   * network after, so every stack's containers would also meet on that bridge.)
   */
  withStackNetwork(network: string, ...aliases: string[]): this {
    this.withNetworkMode(network);
    this.createOpts.NetworkingConfig = { EndpointsConfig: { [network]: { Aliases: aliases } } };
    return this;
  }

  /** Publishes the ports, each on the host port given (0: one the engine picks), on `address` of the engine's host (Docker's HostIp). */
  withPublishedPorts(address: string | undefined, hostPorts: ReadonlyMap<number, number>): this {
    this.withExposedPorts(...[...hostPorts].map(([container, host]) => (host ? { container, host } : container)));
    if (!address) return this;
    const bindings = this.hostConfig.PortBindings as Record<string, Array<{ HostIp?: string; HostPort?: string }>>;
    for (const [key, list] of Object.entries(bindings)) bindings[key] = list.map((binding) => ({ ...binding, HostIp: address }));
    return this;
  }
}
