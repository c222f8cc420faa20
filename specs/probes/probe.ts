import type { ServiceName } from "../../harness/catalog.ts";
import type { Stack } from "../../harness/stack.ts";

/** What the property suites need to know of one service, through the client its users use. */
export interface ServiceProbe {
  /** A real round trip that fails unless the service does its job. */
  roundTrip(stack: Stack): Promise<void>;
  /** Writes `count` records, each acknowledged by the server. */
  writeRecords(stack: Stack, count: number): Promise<void>;
  /** How many of the `written` records of writeRecords read back intact, each one checked. */
  countRecords(stack: Stack, written: number): Promise<number>;
  /** A way the service can answer yet be unfit, that a naive healthcheck would miss; undone by `restore`. */
  healthTrap?: {
    description: string;
    /** The naive command that still passes while trapped. */
    naiveCommand: string;
    spring(stack: Stack): Promise<void>;
    restore(stack: Stack): Promise<void>;
  };
}

export type ProbeCatalog = Record<ServiceName, ServiceProbe>;
