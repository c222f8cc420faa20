import type { ServiceName } from "./catalog.ts";
import type { StackDescription } from "./vitest.ts";

/** Restart, recreate or crash a service from a test; resolves with the stack's fresh description. */
export function stackControl(stack: StackDescription): {
  restart(name: ServiceName): Promise<StackDescription>;
  recreate(name: ServiceName): Promise<StackDescription>;
  crash(name: ServiceName): Promise<StackDescription>;
  /** Messages of the services that died after the boot (see Stack.deaths). */
  deaths(): Promise<string[]>;
} {
  const call = async (action: string, name: ServiceName) => {
    const response = await fetch(`${stack.control}/${action}/${name}`, { method: "POST" });
    const body = (await response.json()) as StackDescription | { error: string };
    if (!response.ok) throw new Error("error" in body ? body.error : `${action} ${name} failed`);
    return body as StackDescription;
  };
  return {
    restart: (name) => call("restart", name),
    recreate: (name) => call("recreate", name),
    crash: (name) => call("crash", name),
    deaths: async () => (await (await fetch(`${stack.control}/deaths`)).json()) as string[],
  };
}
