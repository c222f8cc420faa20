// A setupFile of the vitest preset: a test during which a service died fails with that service's
// exit code and last log lines, instead of a client's timeout alone.
import { afterEach, inject } from "vitest";
import { stackControl } from "./control.ts";

afterEach(async () => {
  const deaths = await stackControl(inject("stack")).deaths();
  if (deaths.length > 0) throw new Error(deaths.join("\n\n"));
});
