import "./common/supported-node.js";
export { stackHarness } from "./vitest/preset.ts";
export { stackControl } from "./vitest/control.ts";
export { stackLease, stackReset, stackRestore, stackSlice, stackSnapshot } from "./vitest/worker-slice.ts";
export type { SliceDescription, StackDescription, StackPresetOptions } from "./vitest/description.ts";
