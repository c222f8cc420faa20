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
  /** The same settings for an app on this machine; with `slices: "off"` the preset sets them in each worker's process.env. */
  hostEnvironment: Record<string, string>;
  /** Where the main process takes restart, recreate, crash and fault requests (see stackControl). */
  control: string;
  /** The secret every request to `control` carries (made at boot, known only to this run's processes): others get 403. */
  controlToken: string;
}

/** A worker's slice as its tests see it through `stackSlice()`: plain data. */
export interface SliceDescription {
  name: string;
  index: number;
  /** Per service: the slice's endpoint from this machine and the one from the stack network. */
  endpoints: Partial<Record<ServiceName, { host: Endpoint; network: Endpoint }>>;
  /** The variables an app container on the stack network reads, pointed at the slice. */
  environment: Record<string, string>;
  /** The variables an app on this machine reads, pointed at the slice; the preset sets them in the worker's process.env. */
  hostEnvironment: Record<string, string>;
}

/** What the preset adds to bootStack's options. */
export interface PresetOnlyOptions {
  /**
   * Each worker's slice of the stack (see Stack.slice), reset to the seeds before each test file, or before
   * each test too; "off" gives every worker the stack's own data.
   * @default "file"
   * @example stackHarness({ slices: "test" })
   */
  slices?: "file" | "test" | "off";
}

/**
 * What the preset boots: every option of bootStack that can travel through vitest's `provide`
 * (plain data), with the same defaults (see BootOptions), and its own.
 */
export type StackPresetOptions = Omit<BootOptions, "onProgress" | "signal"> & PresetOnlyOptions;

declare module "vitest" {
  export interface ProvidedContext {
    stack: StackDescription;
    stackHarnessOptions: StackPresetOptions;
  }
}
