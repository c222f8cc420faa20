export { stackHarness } from "./vitest/preset.ts";
export { stackControl } from "./vitest/control.ts";
export type { StackDescription, StackPresetOptions } from "./vitest/description.ts";
