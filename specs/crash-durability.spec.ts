import { describe, expect, it } from "vitest";
import { withDependencies } from "../harness/catalog/selection.ts";
import { probes } from "./probes/index.ts";
import { servicesUnderTest, useStack } from "./support/stack-under-test.ts";

const records = 10_000;
const stateful = servicesUnderTest.filter((name) => probes[name].records);
const crashChecked = servicesUnderTest.filter((name) => probes[name].crash);
// Only what these tests crash, with what it depends on.
const stack = useStack([...new Set([...stateful, ...crashChecked].flatMap(withDependencies))]);

describe.each(stateful)("%s", (name) => {
  it(`keeps every one of ${records} acknowledged records through a crash (SIGKILL, then start)`, { timeout: 300_000 }, async () => {
    const store = probes[name].records!;
    const writing = Date.now();
    await store.write(stack(), records);
    const writeMs = Date.now() - writing;

    const crashing = Date.now();
    await stack().crash(name);
    const backMs = Date.now() - crashing;
    const survived = await store.countIntact(stack(), records);
    console.log(`crash durability: ${name} wrote ${records} in ${writeMs} ms; ${survived} survived; healthy again in ${backMs} ms`);
    expect(survived).toBe(records);
  });
});

describe.each(crashChecked)("%s", (name) => {
  const { title, check } = probes[name].crash!;
  it(title, () => check(stack()));
});
