import { Wait, type ContainerRuntimeClient, type StartedTestContainer } from "testcontainers";
import { hostPortsFor, isLocalEngine, publishAddressOn, publishedHost } from "../engine/published-ports.ts";
import { containerName, directAlias, runLabels } from "../engine/resource-names.ts";
import { StackContainer } from "../engine/stack-container.ts";
import { StackError } from "../errors.ts";
import { faultProxyImage } from "../images/fault-proxy-image.ts";
import { toxicsOf, type NetworkFault } from "./network-fault.ts";

/** A service behind the proxy, and its container ports. */
export interface ProxiedService {
  name: string;
  ports: readonly number[];
}

/** How long the proxy may take to log that its API starts; a static Go binary, it needs milliseconds. */
const startupTimeoutMs = 30_000;
/** The API listens just after it logs so: the first request is retried this long on a refused connection. */
const firstRequestMs = 5_000;

/**
 * The run's Toxiproxy container: on the stack network under the names of the services behind it,
 * listening on their ports and forwarding each connection to the service's own container
 * (directAlias), and publishing those ports on the host as their host endpoints.
 */
export class FaultProxy {
  private readonly container: StartedTestContainer;
  private readonly services: readonly ProxiedService[];
  private readonly api: string;
  private toxicCount = 0;

  private constructor(container: StartedTestContainer, services: readonly ProxiedService[], host: string) {
    this.container = container;
    this.services = services;
    this.api = `http://${host}:${container.getMappedPort(faultProxyImage.apiPort)}`;
  }

  /** Starts the proxy of a run, before the services it fronts, with a route per service port. */
  static async start(
    engine: ContainerRuntimeClient,
    run: { runId: string; network: string; image: string; publishAddress: string | undefined; services: readonly ProxiedService[] },
  ): Promise<FaultProxy> {
    const ports = [faultProxyImage.apiPort, ...run.services.flatMap((service) => service.ports)];
    const local = isLocalEngine(engine);
    const address = publishAddressOn(run.publishAddress, local);
    const free = await hostPortsFor(local, address, ports.length);
    const container = await new StackContainer(run.image)
      .withName(containerName(run.runId, faultProxyImage.recipe))
      .withLabels(runLabels(run.runId))
      .withStackNetwork(run.network, ...run.services.map((service) => service.name))
      .withPublishedPorts(address, new Map(ports.map((port, index) => [port, free[index]!])))
      .withResourcesQuota({ memory: 64 / 1024 })
      // Its log line rather than HTTP polls, which wait a poll interval after a first try that came too early.
      .withWaitStrategy(Wait.forLogMessage("Starting Toxiproxy HTTP server"))
      .withStartupTimeout(startupTimeoutMs)
      .start();
    const proxy = new FaultProxy(container, run.services, publishedHost(container, local, address));
    const routes = proxy.routes().map(({ route, service, port }) => ({ name: route, listen: `0.0.0.0:${port}`, upstream: `${directAlias(service)}:${port}`, enabled: true }));
    for (const deadline = Date.now() + firstRequestMs; ; await new Promise((resolve) => setTimeout(resolve, 20))) {
      try {
        await proxy.call("POST", "/populate", routes);
        return proxy;
      } catch (error) {
        // fetch's "fetch failed": nothing listens there yet.
        if (!(error instanceof TypeError) || Date.now() > deadline) throw error;
      }
    }
  }

  /** The proxy's host port for each container port of the service, which become the service's host endpoint. */
  frontPorts(service: string): Map<number, number> {
    const ports = this.services.find((proxied) => proxied.name === service)?.ports ?? [];
    return new Map(ports.map((port) => [port, this.container.getMappedPort(port)]));
  }

  fronts(service: string): boolean {
    return this.services.some((proxied) => proxied.name === service);
  }

  /** Adds the fault on every route of the service; resolves with what removes it again. */
  async add(service: string, fault: NetworkFault): Promise<() => Promise<void>> {
    const toxics = toxicsOf(service, fault);
    const added: Array<{ route: string; toxic: string }> = [];
    for (const { route } of this.routes(service)) {
      for (const toxic of toxics) {
        const name = `${fault.kind}-${++this.toxicCount}`;
        await this.call("POST", `/proxies/${route}/toxics`, { name, ...toxic });
        added.push({ route, toxic: name });
      }
    }
    return async () => {
      for (const { route, toxic } of added.splice(0)) await this.call("DELETE", `/proxies/${route}/toxics/${toxic}`, undefined, [404]);
    };
  }

  /** Opens or closes the service's routes: closed, its ports refuse connections and the open ones end. */
  async setOpen(service: string, open: boolean): Promise<void> {
    for (const { route } of this.routes(service)) await this.call("POST", `/proxies/${route}`, { enabled: open });
  }

  /** Removes every fault of the service's routes, or of all routes, and opens them. */
  async heal(service?: string): Promise<void> {
    if (!service) return void (await this.call("POST", "/reset"));
    for (const { route } of this.routes(service)) {
      const toxics = (await this.call("GET", `/proxies/${route}/toxics`)) as Array<{ name: string }>;
      for (const { name } of toxics) await this.call("DELETE", `/proxies/${route}/toxics/${name}`, undefined, [404]);
    }
    await this.setOpen(service, true);
  }

  private routes(only?: string): Array<{ route: string; service: string; port: number }> {
    return this.services
      .filter((service) => !only || service.name === only)
      .flatMap(({ name, ports }) => ports.map((port) => ({ route: `${name}-${port}`, service: name, port })));
  }

  private async call(method: string, path: string, body?: unknown, alsoFine: number[] = []): Promise<unknown> {
    const response = await fetch(`${this.api}${path}`, { method, ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }) });
    const text = await response.text();
    if (response.ok || alsoFine.includes(response.status)) return text ? JSON.parse(text) : undefined;
    throw new StackError({
      code: "fault-proxy-failed",
      service: faultProxyImage.recipe,
      problem: `the fault proxy refused ${method} ${path} (HTTP ${response.status}: ${text.trim()}).`,
      fix: "heal the stack (stack.heal()) and try again; if it persists, the proxy's image may not be Toxiproxy 2.x (STACK_HARNESS_IMAGE_FAULT_PROXY).",
    });
  }
}
