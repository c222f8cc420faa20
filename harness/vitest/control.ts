import type { ServiceName } from "../catalog/catalog.ts";
import { StackError } from "../errors.ts";
import type { NetworkFault } from "../faults/network-fault.ts";
import type { ActiveFault } from "../stack.ts";
import type { ControlFailure } from "./control-server.ts";
import type { SliceDescription, StackDescription } from "./description.ts";

/**
 * Restart, recreate, crash, pause, disconnect or fault a service from a test; resolves with the
 * stack's fresh description, or rejects with the StackError the main process met.
 */
export function stackControl(stack: StackDescription): {
  restart(name: ServiceName): Promise<StackDescription>;
  recreate(name: ServiceName): Promise<StackDescription>;
  crash(name: ServiceName): Promise<StackDescription>;
  /** Freezes the service until resume (see Stack.pause). */
  pause(name: ServiceName): Promise<StackDescription>;
  resume(name: ServiceName): Promise<StackDescription>;
  /** Takes the service off the stack network until reconnect (see Stack.disconnect). */
  disconnect(name: ServiceName): Promise<StackDescription>;
  reconnect(name: ServiceName): Promise<StackDescription>;
  /**
   * Adds a network fault to a service behind the fault proxy (see Stack.fault); the handle removes it.
   * @example await using _slow = await control.fault("redis", { kind: "latency", ms: 200 });
   */
  fault(name: ServiceName, fault: NetworkFault): Promise<ActiveFault>;
  /** Undoes every fault of one service or of the stack (see Stack.heal): every worker's, since the stack is shared. */
  heal(name?: ServiceName): Promise<StackDescription>;
  /** Opens the slice of this name (see Stack.slice), or resets it to the seeds if it is open. */
  slice(name: string): Promise<SliceDescription>;
  /** Resets an open slice to the seeds, in every service or one (see StackSlice.reset). */
  reset(slice: string, service?: ServiceName): Promise<void>;
  /** Takes a snapshot of an open slice (see StackSlice.snapshot). */
  snapshot(slice: string, name: string): Promise<void>;
  /** Restores a snapshot of an open slice (see StackSlice.restore). */
  restore(slice: string, name: string): Promise<void>;
  /** Leases a service with one part only (Neo4j) to an open slice (see StackSlice.lease); resolves with the release. */
  lease(slice: string, service: ServiceName): Promise<() => Promise<void>>;
  /** Messages of the services that died after the boot (see Stack.deaths). */
  deaths(): Promise<string[]>;
} {
  const authorized = { authorization: `Bearer ${stack.controlToken}` };
  const call = async <Answer>(action: string, name: string, payload?: unknown): Promise<Answer> => {
    const response = await fetch(`${stack.control}/${action}/${name}`, { method: "POST", headers: authorized, ...(payload === undefined ? {} : { body: JSON.stringify(payload) }) });
    const body = (await response.json()) as Answer | ControlFailure;
    if (response.ok) return body as Answer;
    const failure = body as ControlFailure;
    throw "code" in failure ? new StackError(failure) : new Error(failure.error || `${action} ${name} failed`);
  };
  return {
    restart: (name) => call("restart", name),
    recreate: (name) => call("recreate", name),
    crash: (name) => call("crash", name),
    pause: (name) => call("pause", name),
    resume: (name) => call("resume", name),
    disconnect: (name) => call("disconnect", name),
    reconnect: (name) => call("reconnect", name),
    fault: async (name, fault) => {
      const { id } = await call<{ id: string }>("fault", name, fault);
      const remove = async () => void (await call("unfault", id));
      return { remove, [Symbol.asyncDispose]: remove };
    },
    heal: (name) => call("heal", name ?? ""),
    slice: (name) => call("slice", name),
    reset: async (slice, service) => void (await call("reset", service ? `${slice}/${service}` : slice)),
    snapshot: async (slice, name) => void (await call("snapshot", `${slice}/${name}`)),
    restore: async (slice, name) => void (await call("restore", `${slice}/${name}`)),
    lease: async (slice, service) => {
      await call("lease", `${slice}/${service}`);
      return async () => void (await call("release", `${slice}/${service}`));
    },
    deaths: async () => (await (await fetch(`${stack.control}/deaths`, { headers: authorized })).json()) as string[],
  };
}
