import { StackError } from "../errors.ts";

/** Which way of a connection a fault acts on: what the service sends back (the default), what it is sent, or both. */
export type FaultDirection = "downstream" | "upstream" | "both";

/**
 * A network condition on the connections to one service, made by its fault proxy (see
 * BootOptions.faultProxy); each is removed again by its handle or by `heal()`.
 * @example { kind: "latency", ms: 300, jitterMs: 30 }
 */
export type NetworkFault =
  /** Each chunk of data is held back `ms` (± `jitterMs`, default 0) before it goes on. */
  | { kind: "latency"; ms: number; jitterMs?: number; direction?: FaultDirection }
  /** Data goes at most `kilobytesPerSecond` (KiB/s). */
  | { kind: "bandwidth"; kilobytesPerSecond: number; direction?: FaultDirection }
  /** No data gets through; each connection is closed after `afterMs`, or held open while the fault lasts (0, the default). */
  | { kind: "timeout"; afterMs?: number; direction?: FaultDirection }
  /** Each connection is reset (TCP RST, "connection reset by peer") at once, or `afterMs` after it opened. */
  | { kind: "reset"; afterMs?: number; direction?: FaultDirection };

/** A Toxiproxy toxic, as its HTTP API takes it. */
export interface Toxic {
  type: "latency" | "bandwidth" | "timeout" | "reset_peer";
  stream: "downstream" | "upstream";
  toxicity: number;
  attributes: Record<string, number>;
}

const kinds = ["latency", "bandwidth", "timeout", "reset"] as const;

/** The toxics that make the fault, one per direction; refuses a fault of an unknown kind or a value that is not a number >= 0. */
export function toxicsOf(service: string, fault: NetworkFault): Toxic[] {
  const refuse = (problem: string, fix: string) => new StackError({ code: "invalid-option", service, problem, fix });
  if (!kinds.includes(fault?.kind)) {
    throw refuse(`a fault of kind ${JSON.stringify(fault?.kind)} is not one the proxy makes.`, `use one of: ${kinds.map((kind) => `{ kind: "${kind}", ... }`).join(", ")}.`);
  }
  const amount = (key: string, value: unknown, fallback?: number): number => {
    const number = value ?? fallback;
    if (typeof number !== "number" || !Number.isFinite(number) || number < 0) {
      throw refuse(`the ${fault.kind} fault's \`${key}\` must be a number >= 0, not ${JSON.stringify(value)}.`, `e.g. ${example[fault.kind]}.`);
    }
    return Math.round(number);
  };
  const attributes = {
    latency: () => ({ latency: amount("ms", (fault as { ms?: unknown }).ms), jitter: amount("jitterMs", (fault as { jitterMs?: unknown }).jitterMs, 0) }),
    bandwidth: () => ({ rate: amount("kilobytesPerSecond", (fault as { kilobytesPerSecond?: unknown }).kilobytesPerSecond) }),
    timeout: () => ({ timeout: amount("afterMs", (fault as { afterMs?: unknown }).afterMs, 0) }),
    reset: () => ({ timeout: amount("afterMs", (fault as { afterMs?: unknown }).afterMs, 0) }),
  }[fault.kind]();
  const direction = fault.direction ?? "downstream";
  if (!["downstream", "upstream", "both"].includes(direction)) {
    throw refuse(`a fault's \`direction\` must be "downstream", "upstream" or "both", not ${JSON.stringify(direction)}.`, `leave it out for "downstream" (what the service sends back).`);
  }
  const streams = direction === "both" ? (["downstream", "upstream"] as const) : [direction];
  const type = fault.kind === "reset" ? "reset_peer" : fault.kind;
  return streams.map((stream) => ({ type, stream, toxicity: 1, attributes }));
}

const example: Record<NetworkFault["kind"], string> = {
  latency: '{ kind: "latency", ms: 300, jitterMs: 30 }',
  bandwidth: '{ kind: "bandwidth", kilobytesPerSecond: 64 }',
  timeout: '{ kind: "timeout", afterMs: 0 }',
  reset: '{ kind: "reset" }',
};
