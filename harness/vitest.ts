export { stackHarness } from "./vitest/preset.ts";
export { stackControl } from "./vitest/control.ts";
export { stackLease, stackSlice } from "./vitest/worker-slice.ts";
export type { SliceDescription, StackDescription, StackPresetOptions } from "./vitest/description.ts";
