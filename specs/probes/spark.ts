import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import type { Stack } from "../../harness/index.ts";
import { run, startSibling } from "../support/sibling.ts";
import type { PersistenceCheck } from "./probe.ts";

const job = fileURLToPath(new URL("../../fixtures/spark/line_stats.py", import.meta.url));
const corpus = fileURLToPath(new URL("../../fixtures/spark/corpus.txt", import.meta.url));
let submissions = 0;

/** What fixtures/spark/line_stats.py must print for the corpus, computed here without Spark. */
async function expectedLineStats(): Promise<Record<string, number>> {
  const lines = (await readFile(corpus, "utf8")).split("\n").filter((line, index, all) => index < all.length - 1 || line);
  return {
    lines: lines.length,
    sparkLines: lines.filter((line) => line.toLowerCase().includes("spark")).length,
    words: lines.flatMap((line) => line.split(/\s+/).filter(Boolean)).length,
  };
}

/** Waits until the master lists the running spark-worker, by its current id, as ALIVE. */
export async function workerRegistered(stack: Stack): Promise<void> {
  const master = await stack.client("spark-master");
  const worker = await stack.client("spark-worker");
  await expect
    .poll(
      async () => {
        const { id } = await worker.state();
        const alive = (await master.state()).workers?.filter((entry) => entry.state === "ALIVE") ?? [];
        return alive.map((entry) => entry.id).includes(id ?? "");
      },
      { timeout: 120_000, interval: 1_000 },
    )
    .toBe(true);
}

/** Submits the fixture job from a client container on the network to spark://spark-master:7077. */
export async function submitLineStats(stack: Stack): Promise<void> {
  const alias = `spark-client-${++submissions}`;
  const client = await startSibling(stack, "spark-master", {
    alias,
    files: [
      { source: job, target: "/tmp/job/line_stats.py" },
      { source: corpus, target: "/tmp/job/corpus.txt" },
    ],
  });
  try {
    const submitted = await run(
      client,
      `/opt/spark/bin/spark-submit --master ${stack.networkEndpoint("spark-master").url} ` +
        `--conf spark.driver.host=${alias} --driver-memory 512m --executor-memory 512m ` +
        `/tmp/job/line_stats.py /tmp/job/corpus.txt`,
    );
    const result = submitted.stdout.split("\n").find((line) => line.startsWith("RESULT "));
    expect(result, `spark-submit exited ${submitted.exitCode}:\n${submitted.output.slice(-3000)}`).toBeDefined();
    expect(JSON.parse(result!.slice("RESULT ".length))).toEqual(await expectedLineStats());
    expect(submitted.exitCode).toBe(0);
  } finally {
    await client.stop({ timeout: 0 });
  }
}

/**
 * A Spark service keeps no data; what must survive its restart is a working cluster. Before the
 * restart a registered worker is enough: the job submitted after it proves the cluster works (the
 * round trip proves it on a fresh one), and each submission takes about 11 s of two busy cores.
 */
export const clusterRecovers: PersistenceCheck = {
  what: "a registered worker that runs jobs",
  before: workerRegistered,
  after: async (stack) => {
    await workerRegistered(stack);
    await submitLineStats(stack);
  },
};
