import { fileURLToPath } from "node:url";
import { getContainerRuntimeClient } from "testcontainers";
import { afterAll, describe, expect, it } from "vitest";
import { specOf } from "../harness/catalog/catalog.ts";
import { removeRun } from "../harness/cleanup/removal.ts";
import { bootStack } from "../harness/index.ts";
import { lastJsonLineOf } from "./support/child-process.ts";
import { leftovers } from "./support/leftovers.ts";
import { run, startSibling } from "./support/sibling.ts";

const harnessEntry = fileURLToPath(new URL("../harness/index.ts", import.meta.url));

interface ChildBoot {
  key: string;
  runId: string;
  adopted: boolean;
  containerId: string;
  /** How many boots have counted themselves in this stack's Redis. */
  boots: number;
  bootMs: number;
}

/** A test run of its own: a new process boots redis with reuse, counts itself in Redis, and stops. */
async function bootInAnotherProcess(env: NodeJS.ProcessEnv = {}): Promise<ChildBoot> {
  const script = `
    import { bootStack } from ${JSON.stringify(harnessEntry)};
    const started = Date.now();
    const stack = await bootStack({ services: ["redis"], reuse: true });
    const bootMs = Date.now() - started;
    const redis = await stack.client("redis");
    const boots = await redis.incr("boots");
    console.log(JSON.stringify({ ...stack.reuse, runId: stack.runId, containerId: stack.containerId("redis"), boots, bootMs }));
    await stack.stop();
    process.exit(0);
  `;
  return (await lastJsonLineOf(script, { ...process.env, ...env })) as ChildBoot;
}

/** The run IDs of the kept stacks, removed at the end. */
const kept = new Set<string>();
const remember = (boot: ChildBoot) => (kept.add(boot.runId), boot);
const engine = () => getContainerRuntimeClient();

async function removeKept(): Promise<void> {
  for (const runId of kept) await removeRun(await engine(), runId);
}

describe("reuse across test runs", () => {
  afterAll(async () => {
    await removeKept();
    expect(await leftovers()).toEqual([]);
  });

  it("hands the kept stack to the next run: same container, data kept, ready in under 3 s", async () => {
    const first = remember(await bootInAnotherProcess());
    expect(first.adopted).toBe(false);
    expect(first.boots).toBe(1);

    const second = remember(await bootInAnotherProcess());
    expect(second).toMatchObject({ key: first.key, adopted: true, containerId: first.containerId, boots: 2 });
    expect(second.bootMs).toBeLessThan(3_000);
    console.log(`reuse: first boot ${first.bootMs} ms, second boot ${second.bootMs} ms`);
  });

  it("keeps the private network and DNS alias: another container reaches redis by name", async () => {
    const stack = await bootStack({ services: ["redis"], reuse: true });
    kept.add(stack.runId);
    expect(stack.reuse?.adopted).toBe(true);
    expect(stack.network).toBe(`stack-harness-reuse-${stack.reuse!.key}`);
    const neighbour = await startSibling(stack, "redis");
    const answered = await run(neighbour, specOf("redis").healthcheck.command("redis"));
    expect(answered.exitCode, answered.output).toBe(0);
    await neighbour.stop();
    await stack.stop();
    expect(await leftovers(stack.runId)).not.toEqual([]);
  });

  it("boots once when two runs ask for the same stack at the same moment", async () => {
    await removeKept();
    const [one, other] = await Promise.all([bootInAnotherProcess(), bootInAnotherProcess()]);
    remember(one);
    expect(other.key).toBe(one.key);
    expect(other.containerId).toBe(one.containerId);
    expect([one.adopted, other.adopted].sort()).toEqual([false, true]);
    expect([one.boots, other.boots].sort()).toEqual([1, 2]);
  });

  it("replaces a kept stack whose service is no longer running", async () => {
    const before = remember(await bootInAnotherProcess());
    await (await engine()).container.dockerode.getContainer(before.containerId).stop();
    const after = remember(await bootInAnotherProcess());
    expect(after).toMatchObject({ key: before.key, adopted: false, boots: 1 });
    expect(after.containerId).not.toBe(before.containerId);
  });

  it("gives a stack of other settings a stack of its own", async () => {
    const usual = remember(await bootInAnotherProcess());
    const other = remember(await bootInAnotherProcess({ STACK_HARNESS_OLLAMA_MODEL: "another-model" }));
    expect(other.key).not.toBe(usual.key);
    expect(other.adopted).toBe(false);
    expect(other.containerId).not.toBe(usual.containerId);
  });
});
