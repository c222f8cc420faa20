import { describe, expect, it } from "vitest";
import { reuseRequested } from "../../harness/boot/options.ts";

describe("reuse mode", () => {
  it("is off unless asked for, and TESTCONTAINERS_REUSE_ENABLE=false turns it off", () => {
    expect(reuseRequested(undefined, {})).toBe(false);
    expect(reuseRequested(undefined, { STACK_HARNESS_REUSE: "true" })).toBe(true);
    expect(reuseRequested(true, {})).toBe(true);
    expect(reuseRequested(true, { TESTCONTAINERS_REUSE_ENABLE: "false" })).toBe(false);
  });
});
