import { describe, it } from "vitest";
import { probes } from "./probes/index.ts";
import { servicesUnderTest, useStack } from "./support/stack-under-test.ts";

const stack = useStack();

describe.each(servicesUnderTest)("%s", (name) => {
  it("answers a real round trip through its client", async () => {
    await probes[name].roundTrip(stack());
  });

  for (const [title, check] of Object.entries(probes[name].extras?.connectivity ?? {})) {
    it(title, () => check(stack()));
  }
});
