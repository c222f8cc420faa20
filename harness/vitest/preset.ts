import { siblingModule } from "../common/package-paths.ts";
import type { StackPresetOptions } from "./description.ts";

/**
 * The vitest `test` settings that boot the stack once per run (a globalSetup) and remove it at
 * the end, also on Ctrl-C.
 * @example defineConfig({ test: { ...stackHarness({ services: ["pgvector", "redis"] }) } })
 */
export function stackHarness(options: StackPresetOptions = {}): {
  globalSetup: string[];
  setupFiles: string[];
  provide: { stackHarnessOptions: StackPresetOptions };
} {
  return {
    globalSetup: [siblingModule(import.meta.url, "global-setup")],
    setupFiles: [siblingModule(import.meta.url, "death-check"), siblingModule(import.meta.url, "slice-setup")],
    provide: { stackHarnessOptions: options },
  };
}
