import { describe, expect, it } from "vitest";
import { probes } from "./probes/index.ts";
import { stackModel } from "./probes/ollama.ts";
import { servicesUnderTest, useStack } from "./support/stack-under-test.ts";

const records = 10_000;
const stack = useStack();
const stateful = servicesUnderTest.filter((name) => probes[name].records);

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

describe.runIf(servicesUnderTest.includes("ollama"))("ollama", () => {
  it("keeps its pulled model through a crash and still generates with it", async () => {
    const before = await stackModel(stack());
    await stack().crash("ollama");
    const after = await stackModel(stack());
    expect(after.digest).toBe(before.digest);
    const generated = await (await stack().client("ollama")).generate({ model: after.name, prompt: "Hi.", options: { num_predict: 4 } });
    expect(generated.eval_count).toBe(4);
  });
});
