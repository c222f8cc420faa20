import type { ClientOf, ServiceName } from "../catalog/catalog.ts";
import type { SliceRef } from "../catalog/service-spec.ts";
import type { Endpoint, ServiceContainer } from "../engine/service-container.ts";

/** What a slice uses of its stack: its services, its own lookup of one (which names a dead or missing service), and its clients. */
export interface SliceHost<Names extends ServiceName> {
  names: readonly Names[];
  service(name: Names): ServiceContainer;
  /** Connects a client of a service with the given slice variables; the stack closes it at stop(). */
  connect<Name extends Names>(name: Name, variables: Record<string, string>): Promise<ClientOf<Name>>;
}

/** What a slice asks of the stack's data: the work on its parts, one service at a time. */
export interface SliceData<Names extends ServiceName> {
  lease(name: Names, slice: SliceRef): Promise<() => Promise<void>>;
  reset(part: SliceRef, services?: readonly Names[]): Promise<void>;
  snapshot(part: SliceRef, name: string): Promise<void>;
  restore(part: SliceRef, name: string): Promise<void>;
}

/**
 * A slice of the stack: a part of every stateful service that sees none of the other slices'
 * data nor the stack's own (pgvector, Redis, Elasticsearch, Chroma), and a lease of a service
 * that has one part only (Neo4j); Ollama, Spark and the model registry are shared. It opens
 * holding the stack's seeds.
 */
export class StackSlice<Names extends ServiceName = ServiceName> {
  readonly name: string;
  /** 1, 2, ... in the order the stack opened its slices. */
  readonly index: number;
  private readonly host: SliceHost<Names>;
  private readonly data: SliceData<Names>;

  constructor(ref: SliceRef, host: SliceHost<Names>, data: SliceData<Names>) {
    this.name = ref.name;
    this.index = ref.index;
    this.host = host;
    this.data = data;
  }

  /** The services whose data this slice has a part of to itself. */
  get slicedServices(): Names[] {
    return this.host.names.filter((name) => {
      const slicing = this.host.service(name).spec.slicing;
      return slicing && !slicing.exclusive;
    });
  }

  /**
   * Waits until no other slice holds the service, then holds it, reset to the seed; resolves
   * with the release. Meant for the test files that use it (Neo4j): files that lease it run one
   * at a time.
   * @example const release = await slice.lease("neo4j"); try { ... } finally { await release(); }
   */
  lease(name: Names): Promise<() => Promise<void>> {
    return this.data.lease(name, this);
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

  /**
   * Returns the slice's part of every sliced service (and of a leased one it holds) to the
   * seeds, or of one service.
   * @example await slice.reset("redis")
   */
  reset(name?: Names): Promise<void> {
    return this.data.reset(this, name ? [name] : undefined);
  }

  /**
   * Keeps what the slice holds in every sliced service (and a leased one it holds) as `name`,
   * replacing a snapshot of that name; restore(name) brings it back exactly.
   * @example await slice.snapshot("after_signup")
   */
  snapshot(name: string): Promise<void> {
    return this.data.snapshot(this, name);
  }

  /** Makes the slice hold exactly what it held at snapshot(name), in every service the snapshot has. */
  restore(name: string): Promise<void> {
    return this.data.restore(this, name);
  }

  private variables(name: Names): Record<string, string> {
    return this.host.service(name).spec.slicing?.variables(this) ?? {};
  }
}
