import type { ServiceName } from "../../harness/catalog/catalog.ts";
import type { Stack } from "../../harness/index.ts";

export type Property = "connectivity" | "persistence" | "healthcheck" | "dns";

/** What must survive a restart of the same container and a new container on the same volume. */
export interface PersistenceCheck {
  /** For the test title, e.g. "1000 acknowledged writes". */
  what: string;
  /** Runs once, before the first restart. */
  before(stack: Stack): Promise<void>;
  /** Must hold after the restart and again after the recreate. */
  after(stack: Stack): Promise<void>;
}

/** A service's records, written by ids 0..count-1 (each acknowledged) and counted back intact. */
export interface RecordStore {
  write(stack: Stack, count: number): Promise<void>;
  /** Reads every record back and counts those whose payload is right. */
  countIntact(stack: Stack, count: number): Promise<number>;
}

/** What the property suites need to know of one service, through the client its users use. */
export interface ServiceProbe {
  /** A real round trip that fails unless the service does its job. */
  roundTrip(stack: Stack): Promise<void>;
  persistence: PersistenceCheck;
  /** For stateful services: their records, also counted after a crash (specs/crash-durability). */
  records?: RecordStore;
  /** For a service whose state is not records: what must survive a crash (specs/crash-durability). */
  crash?: { title: string; check(stack: Stack): Promise<void> };
  /** A way the service can answer yet be unfit, that a naive healthcheck would miss; undone by `restore`. */
  healthTrap?: {
    description: string;
    /** The naive command that still passes while trapped. */
    naiveCommand: string;
    spring(stack: Stack): Promise<void>;
    restore(stack: Stack): Promise<void>;
  };
  /** Further checks of one property, by test title. */
  extras?: Partial<Record<Property, Record<string, (stack: Stack) => Promise<void>>>>;
}

export type ProbeCatalog = Record<ServiceName, ServiceProbe>;
