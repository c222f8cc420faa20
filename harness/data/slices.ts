import type { ClientOf, ServiceName } from "../catalog/catalog.ts";
import type { SliceRef } from "../catalog/service-spec.ts";
import type { Endpoint, ServiceContainer } from "../engine/service-container.ts";
import { StackError } from "../errors.ts";

const sliceName = /^[a-z0-9_]{1,40}$/;

/** What slices use of their stack: its services, its own lookup of one (which names a dead or missing service), and its clients. */
export interface SliceHost<Names extends ServiceName> {
  names: readonly Names[];
  service(name: Names): ServiceContainer;
  /** Connects a client of a service with the given slice variables; the stack closes it at stop(). */
  connect<Name extends Names>(name: Name, variables: Record<string, string>): Promise<ClientOf<Name>>;
}

/**
 * A slice of the stack: a part of every stateful service that sees none of the other slices'
 * data nor the stack's own (pgvector, Redis, Elasticsearch, Chroma), and a lease of a service
 * that has one part only (Neo4j); Ollama, Spark and the model registry are shared.
 */
export class StackSlice<Names extends ServiceName = ServiceName> {
  readonly name: string;
  /** 1, 2, ... in the order the stack opened its slices. */
  readonly index: number;
  private readonly host: SliceHost<Names>;
  private readonly opening: Slices<Names>;

  constructor(ref: SliceRef, host: SliceHost<Names>, opening: Slices<Names>) {
    this.name = ref.name;
    this.index = ref.index;
    this.host = host;
    this.opening = opening;
  }

  /** The services whose data this slice has a part of to itself. */
  get slicedServices(): Names[] {
    return this.host.names.filter((name) => {
      const slicing = this.host.service(name).spec.slicing;
      return slicing && !slicing.exclusive;
    });
  }

  /**
   * Waits until no other slice holds the service, then holds it, emptied; resolves with the
   * release. Meant for the test files that use it (Neo4j): files that lease it run one at a time.
   * @example const release = await slice.lease("neo4j"); try { ... } finally { await release(); }
   */
  lease(name: Names): Promise<() => Promise<void>> {
    return this.opening.lease(name, this);
  }

  /** The slice's endpoint from this machine: e.g. its own database in the URL. */
  hostEndpoint(name: Names): Endpoint {
    return this.host.service(name).hostEndpoint(this.variables(name));
  }

  /** The slice's endpoint from a container on the stack network. */
  networkEndpoint(name: Names): Endpoint {
    return this.host.service(name).networkEndpoint(this.variables(name));
  }

  /** A connected client of the slice's part of the service, closed by stack.stop(). */
  client<Name extends Names>(name: Name): Promise<ClientOf<Name>> {
    return this.host.connect(name, this.variables(name));
  }

  /**
   * The variables an app expects, pointed at this slice (DATABASE_URL with its database,
   * REDIS_URL with its logical database, ELASTICSEARCH_INDEX_PREFIX, CHROMA_TENANT and
   * CHROMA_DATABASE, ...): for an app container on the stack network, or on this machine.
   */
  appEnvironment(from: "network" | "host" = "network"): Record<string, string> {
    return Object.assign({}, ...this.host.names.map((name) => this.host.service(name).appEnvironment(from, this.variables(name))));
  }

  /** Empties the slice's part of every sliced service, or of one (a leased one only while this slice holds it). */
  async reset(name?: Names): Promise<void> {
    await this.opening.open(this.name, name ? [name] : this.slicedServices);
  }

  private variables(name: Names): Record<string, string> {
    return this.host.service(name).spec.slicing?.variables(this) ?? {};
  }
}

/** The slices of one stack, made and emptied one service at a time each (a template database allows one copy at once). */
export class Slices<Names extends ServiceName = ServiceName> {
  private readonly refs = new Map<string, SliceRef>();
  private readonly queues = new Map<Names, Promise<unknown>>();
  /** Per leased service: the slice holding it, and the end of the line of those waiting. */
  private readonly leases = new Map<Names, { holder: string | undefined; line: Promise<void> }>();
  private readonly host: SliceHost<Names>;

  constructor(host: SliceHost<Names>) {
    this.host = host;
  }

  /** Opens the slice of this name, empty, or empties it if it is open; `services` narrows what is emptied. */
  async open(name: string, services?: readonly Names[]): Promise<StackSlice<Names>> {
    if (typeof name !== "string" || !sliceName.test(name)) {
      throw new StackError({
        code: "invalid-slice",
        problem: `a slice name must be 1 to 40 lower-case letters, digits or "_", not ${JSON.stringify(name)}.`,
        fix: 'name it like "w1" or "checkout_tests".',
      });
    }
    const ref = this.refs.get(name) ?? { name, index: this.refs.size + 1 };
    this.refs.set(name, ref);
    const sliced = (services ?? this.host.names).filter((serviceName) => {
      const slicing = this.host.service(serviceName).spec.slicing;
      return slicing && (!slicing.exclusive || this.leases.get(serviceName)?.holder === name);
    });
    await Promise.all(sliced.map((serviceName) => this.oneAtATime(serviceName, () => this.openIn(this.host.service(serviceName), ref))));
    return new StackSlice(ref, this.host, this);
  }

  /** Holds the service for the slice once every earlier lease of it is released, emptied for it. */
  async lease(name: Names, slice: SliceRef): Promise<() => Promise<void>> {
    const service = this.host.service(name);
    if (!service.spec.slicing?.exclusive) {
      const leasable = this.host.names.filter((other) => this.host.service(other).spec.slicing?.exclusive);
      throw new StackError({
        code: "invalid-slice",
        service: name,
        problem: "is not leased: each slice has a part of its own, or it is shared.",
        fix: `lease only ${leasable.join(", ") || "a service with one part only"}.`,
      });
    }
    const entry = this.leases.get(name) ?? { holder: undefined, line: Promise.resolve() };
    this.leases.set(name, entry);
    let release!: () => void;
    const earlier = entry.line;
    entry.line = new Promise<void>((resolve) => (release = resolve));
    await earlier;
    entry.holder = slice.name;
    try {
      await this.oneAtATime(name, () => this.openIn(service, slice));
    } catch (error) {
      entry.holder = undefined;
      release();
      throw error;
    }
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      entry.holder = undefined;
      release();
    };
  }

  private async openIn(service: ServiceContainer, ref: SliceRef): Promise<void> {
    const slicing = service.spec.slicing!;
    try {
      await slicing.open(service.clientTarget(), ref);
      // Not awaited: the next open of this service waits for it in the queue.
      if (slicing.prepare) void this.oneAtATime(service.spec.name as Names, () => slicing.prepare!(service.clientTarget(), ref)).catch(() => {});
    } catch (error) {
      if (error instanceof StackError) throw error;
      throw new StackError({
        code: "slice-failed",
        service: service.spec.name,
        problem: `could not make slice "${ref.name}" (${error instanceof Error ? error.message : String(error)}).`,
        fix: "read the cause; the service must be healthy (stack.healthStatus) while a slice is opened or reset.",
        cause: error,
      });
    }
  }

  private oneAtATime<T>(name: Names, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(name) ?? Promise.resolve();
    const next = previous.then(work, work);
    this.queues.set(name, next.catch(() => {}));
    return next;
  }
}
