/** Whether the promise settles within `ms`: "answered", "failed" or still "pending" (it is left running). */
export async function stateAfter(promise: Promise<unknown>, ms: number): Promise<"answered" | "failed" | "pending"> {
  let timer: NodeJS.Timeout | undefined;
  const pending = new Promise<"pending">((resolve) => {
    timer = setTimeout(() => resolve("pending"), ms);
  });
  const settled = promise.then(
    () => "answered" as const,
    () => "failed" as const,
  );
  return Promise.race([settled, pending]).finally(() => clearTimeout(timer));
}

/** Milliseconds the work takes. */
export async function elapsedMs(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

/** The median of `rounds` timings of the work, one after another. */
export async function medianMs(rounds: number, work: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let round = 0; round < rounds; round++) times.push(await elapsedMs(work));
  return times.sort((a, b) => a - b)[Math.floor(rounds / 2)]!;
}
