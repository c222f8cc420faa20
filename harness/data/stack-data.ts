import { specOf, type Seeds, type ServiceName } from "../catalog/catalog.ts";
import { seedSnapshot, stackPart, type KeptData, type SliceRef } from "../catalog/service-spec.ts";
import type { ServiceContainer } from "../engine/service-container.ts";
import { StackError } from "../errors.ts";
import { StackSlice, type SliceData, type SliceHost } from "./stack-slice.ts";

const dataName = /^[a-z0-9_]{1,40}$/;

/** The key of a part in what the stack remembers: "@" sets the stack's own part apart from a slice of any name. */
const partKey = (part: SliceRef) => (part.index === 0 ? "@stack" : part.name);
const partLabel = (part: SliceRef) => (part.index === 0 ? "the stack's own data" : `slice "${part.name}"`);

/**
 * The stack's data: its seeds, its slices and the leases of services with one part only, and
 * the snapshots of each part. Work on a service runs one call at a time (a template database
 * allows one copy at once), in the process that holds the stack.
 */
export class StackData<Names extends ServiceName = ServiceName> implements SliceData<Names> {
  private readonly refs = new Map<string, SliceRef>();
  private readonly queues = new Map<Names, Promise<unknown>>();
  /** Per leased service: the slice holding it, and the end of the line of those waiting. */
  private readonly leases = new Map<Names, { holder: string | undefined; line: Promise<void> }>();
  private readonly kept = new Map<Names, KeptData>();
  private readonly seeded = new Set<Names>();
  /** Per part, per snapshot: the services it holds. */
  private readonly taken = new Map<string, Map<string, Names[]>>();
  private readonly host: SliceHost<Names>;

  constructor(host: SliceHost<Names>) {
    this.host = host;
  }

  /**
   * Applies the seeds to the stack's own part and keeps each as the seed snapshot every slice
   * opens from. A reused stack found running holds them already, but for what is kept in this
   * process (Neo4j), which is reset and seeded again.
   */
  async applySeeds(seeds: Seeds, adopted: boolean): Promise<void> {
    const names = this.host.names.filter((name) => (seeds as Record<string, unknown>)[name] !== undefined);
    const outcomes = await Promise.allSettled(
      names.map((name) =>
        this.oneAtATime(name, async () => {
          const service = this.host.service(name);
          const { spec } = service;
          const { slicing } = spec;
          const target = service.clientTarget();
          const onServer = adopted && slicing && !slicing.keptInProcess;
          try {
            if (!onServer) {
              if (adopted && slicing) await slicing.open(target, stackPart, this.keptOf(name), false);
              await spec.seeding!.apply(target, (seeds as Record<string, unknown>)[name]);
              if (slicing) await slicing.snapshot(target, stackPart, seedSnapshot, this.keptOf(name));
            }
          } catch (error) {
            if (error instanceof StackError) throw error;
            throw new StackError({
              code: "seed-failed",
              service: name,
              problem: `could not apply its seed (${error instanceof Error ? error.message : String(error)}).`,
              fix: "read the cause; the stack was removed, so boot again once it is fixed.",
              cause: error,
            });
          }
          if (slicing) this.seeded.add(name);
        }),
      ),
    );
    const failure = outcomes.find((outcome) => outcome.status === "rejected");
    if (failure) throw failure.reason;
    this.snapshotsOf(stackPart).set(seedSnapshot, [...this.seeded]);
  }

  /** Opens the slice of this name, holding the seeds, or resets it if it is open. */
  async open(name: string): Promise<StackSlice<Names>> {
    checkName(name, "slice", '"w1" or "checkout_tests"');
    const ref = this.refs.get(name) ?? { name, index: this.refs.size + 1 };
    this.refs.set(name, ref);
    await this.reset(ref);
    return new StackSlice(ref, this.host, this);
  }

  /** Holds the service for the slice once every earlier lease of it is released, reset to the seed for it. */
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
      await this.run(name, slice, "reset", (target, slicing) => slicing.open(target, slice, this.keptOf(name), this.seeded.has(name)));
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

  /** Returns the part of every service it has (or of those named) to the seeds. */
  async reset(part: SliceRef, services?: readonly Names[]): Promise<void> {
    const names = this.servicesOf(part, services);
    await Promise.all(
      names.map((name) =>
        this.run(name, part, "reset", async (target, slicing, service) => {
          await slicing.open(target, part, this.keptOf(name), this.seeded.has(name));
          // Not awaited: the next call on this service waits for it in the queue.
          if (slicing.prepare) void this.oneAtATime(name, () => slicing.prepare!(service.clientTarget(), part)).catch(() => {});
        }),
      ),
    );
  }

  async snapshot(part: SliceRef, name: string): Promise<void> {
    checkName(name, "snapshot", '"after_signup"');
    if (part.index === 0 && name === seedSnapshot) {
      throw new StackError({
        code: "invalid-slice",
        problem: `the snapshot "${seedSnapshot}" of the stack's own data is the one its seeds made.`,
        fix: "name the snapshot otherwise; reset() returns to the seeds.",
      });
    }
    const names = this.servicesOf(part);
    await Promise.all(names.map((service) => this.run(service, part, "snapshot", (target, slicing) => slicing.snapshot(target, part, name, this.keptOf(service)))));
    this.snapshotsOf(part).set(name, names);
  }

  async restore(part: SliceRef, name: string): Promise<void> {
    const names = this.snapshotsOf(part).get(name);
    if (!names) {
      const known = [...this.snapshotsOf(part).keys()];
      throw new StackError({
        code: "no-snapshot",
        problem: `${partLabel(part)} has no snapshot "${name}" (${known.length > 0 ? `it has ${known.join(", ")}` : "it has none"}).`,
        fix: `take it first with snapshot("${name}"); snapshots last as long as the stack.`,
      });
    }
    this.servicesOf(part, names);
    await Promise.all(
      names.map((service) =>
        this.run(service, part, "restore", async (target, slicing) => {
          if (await slicing.restore(target, part, name, this.keptOf(service))) return;
          throw new StackError({
            code: "no-snapshot",
            service,
            problem: `holds no snapshot "${name}" of ${partLabel(part)}: it was removed from the service.`,
            fix: `take it again with snapshot("${name}").`,
          });
        }),
      ),
    );
  }

  /**
   * Runs a change of a service's container (restart, crash, recreate) in the service's line:
   * a reset, snapshot or restore asked meanwhile (e.g. another worker's next file) waits for the
   * service to be healthy again, and the change waits for the one in progress.
   */
  whileChanging<T>(name: Names, change: () => Promise<T>): Promise<T> {
    return this.oneAtATime(name, change);
  }

  /** Closes what the services keep open between calls; the stack's stop() calls it. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.kept].map(async ([name, kept]) => specOf(name).slicing?.close?.(kept)));
  }

  /** The services a part has: its own parts, and a leased service while it holds it (the stack's own part: while no slice does). */
  private servicesOf(part: SliceRef, asked?: readonly Names[]): Names[] {
    const stateful = this.host.names.filter((name) => this.host.service(name).spec.slicing);
    const exclusive = (name: Names) => this.host.service(name).spec.slicing!.exclusive;
    const holder = (name: Names) => this.leases.get(name)?.holder;
    if (!asked) {
      return stateful.filter((name) => {
        if (!exclusive(name)) return true;
        if (part.index !== 0) return holder(name) === part.name;
        this.refuseLeased(name, part);
        return true;
      });
    }
    for (const name of asked) {
      if (!stateful.includes(name)) {
        throw new StackError({ code: "invalid-slice", service: name, problem: "keeps no data of a slice's own: it is shared.", fix: `name one of ${stateful.join(", ")}.` });
      }
      if (exclusive(name)) this.refuseLeased(name, part);
    }
    return [...asked];
  }

  /** Refuses work on a leased service for a part that does not hold it: a slice that has no lease of it, or the stack's own while a slice has. */
  private refuseLeased(name: Names, part: SliceRef): void {
    const holder = this.leases.get(name)?.holder;
    if (part.index === 0 ? holder === undefined : holder === part.name) return;
    throw new StackError({
      code: "leased",
      service: name,
      problem: holder ? `is leased to slice "${holder}", so ${partLabel(part)} cannot use it now.` : `is not leased to ${partLabel(part)}.`,
      fix: part.index === 0 ? "wait until the slice releases it." : `lease it first: await slice.lease("${name}").`,
    });
  }

  private run(
    name: Names,
    part: SliceRef,
    work: string,
    act: (target: ReturnType<ServiceContainer["clientTarget"]>, slicing: NonNullable<ServiceContainer["spec"]["slicing"]>, service: ServiceContainer) => Promise<void>,
  ): Promise<void> {
    return this.oneAtATime(name, async () => {
      const service = this.host.service(name);
      try {
        await act(service.clientTarget(), service.spec.slicing!, service);
      } catch (error) {
        if (error instanceof StackError) throw error;
        throw new StackError({
          code: "slice-failed",
          service: name,
          problem: `could not ${work} ${partLabel(part)} (${error instanceof Error ? error.message : String(error)}).`,
          fix: "read the cause; the service must be healthy (stack.healthStatus) meanwhile.",
          cause: error,
        });
      }
    });
  }

  private keptOf(name: Names): KeptData {
    const kept = this.kept.get(name) ?? new Map<string, unknown>();
    this.kept.set(name, kept);
    return kept;
  }

  private snapshotsOf(part: SliceRef): Map<string, Names[]> {
    const snapshots = this.taken.get(partKey(part)) ?? new Map<string, Names[]>();
    this.taken.set(partKey(part), snapshots);
    return snapshots;
  }

  private oneAtATime<T>(name: Names, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(name) ?? Promise.resolve();
    const next = previous.then(work, work);
    this.queues.set(name, next.catch(() => {}));
    return next;
  }
}

function checkName(name: unknown, what: string, example: string): asserts name is string {
  if (typeof name === "string" && dataName.test(name)) return;
  throw new StackError({
    code: "invalid-slice",
    problem: `a ${what} name must be 1 to 40 lower-case letters, digits or "_", not ${JSON.stringify(name)}.`,
    fix: `name it like ${example}.`,
  });
}
