import type { BootOptions } from "../boot/options.ts";
import type { ServiceName } from "../catalog/catalog.ts";
import type { Endpoint } from "../engine/service-container.ts";

/** The booted stack as tests see it through `inject("stack")`: plain data, read afresh after changes. */
export interface StackDescription {
  runId: string;
  /** The network an app container joins. */
  network: string;
  services: ServiceName[];
  /** Per service: the endpoint from this machine and the one from the stack network. */
  endpoints: Partial<Record<ServiceName, { host: Endpoint; network: Endpoint }>>;
  /** The in-network settings an app container expects (see Stack.appEnvironment). */
  environment: Record<string, string>;
  /** Where the main process takes restart, recreate and crash requests (see stackControl). */
  control: string;
}

/**
 * What the preset boots: every option of bootStack that can travel through vitest's `provide`
 * (plain data), with the same defaults; see BootOptions.
 */
export type StackPresetOptions = Omit<BootOptions, "onProgress" | "signal">;

declare module "vitest" {
  export interface ProvidedContext {
    stack: StackDescription;
    stackHarnessOptions: StackPresetOptions;
  }
}
