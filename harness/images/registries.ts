import { readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { withMachineLock } from "../common/machine-lock.ts";

/** How long one probe's answers hold for every process on this machine. */
const answersHoldMs = 10 * 60_000;
const probeTimeoutMs = 3_000;
const answersFile = join(tmpdir(), "stack-harness-registries.json");

type Answers = Record<string, { answers: boolean; at: number }>;

/** The registry an image reference is pulled from, as a host name: `registry-1.docker.io` for Docker Hub. */
export function registryOf(image: string): string {
  const first = image.split("/")[0]!;
  const named = image.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost");
  return named ? first : "registry-1.docker.io";
}

/**
 * Whether each registry answers its /v2/ endpoint (any HTTP status counts) within 3 s. Probed
 * once per 10 minutes per machine, under a lock, so that the parallel boots of one test run ask
 * once; `onProbed` hears only the answers this process probed.
 */
export async function registriesAnswering(hosts: readonly string[], onProbed: (answers: Record<string, boolean>) => void = () => {}): Promise<Record<string, boolean>> {
  return withMachineLock("stack-harness-registries", 30_000, async () => {
    const known = await readAnswers();
    const stale = hosts.filter((host) => !known[host] || Date.now() - known[host].at > answersHoldMs);
    const probed = Object.fromEntries(await Promise.all(stale.map(async (host) => [host, await answers(host)] as const)));
    if (stale.length > 0) {
      for (const [host, answered] of Object.entries(probed)) known[host] = { answers: answered, at: Date.now() };
      await writeFile(answersFile, JSON.stringify(known));
      onProbed(probed);
    }
    return Object.fromEntries(hosts.map((host) => [host, known[host]!.answers]));
  });
}

/** The answers kept on this machine; none when the file is missing or cut short. */
async function readAnswers(): Promise<Answers> {
  try {
    return JSON.parse(await readFile(answersFile, "utf8")) as Answers;
  } catch {
    return {};
  }
}

async function answers(host: string): Promise<boolean> {
  for (const scheme of ["https", "http"]) {
    const answered = await fetch(`${scheme}://${host}/v2/`, { signal: AbortSignal.timeout(probeTimeoutMs) }).then(
      () => true,
      () => false,
    );
    if (answered) return true;
  }
  return false;
}
