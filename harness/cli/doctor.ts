import { readFile } from "node:fs/promises";
import { freemem } from "node:os";
import { ImageName, type ContainerRuntimeClient } from "testcontainers";
import { serviceNames, specOf } from "../catalog/catalog.ts";
import { connectEngine } from "../engine/connect.ts";
import { StackError } from "../errors.ts";
import { lookalikeBuildCommand } from "../images/lookalike.ts";
import { imageTrack, resolveImage } from "../images/track.ts";

export type Verdict = "ok" | "warn" | "fail";

/** One finding of `stack-harness doctor`: what was checked, how it stands, and the fix. */
export interface DoctorCheck {
  check: string;
  verdict: Verdict;
  detail: string;
  fix?: string;
}

const minimumNode = [22, 22] as const;
const recommendedFreeGiB = 4;
const elasticsearchMapCount = 262_144;

/** Checks what a boot needs on this machine: engine, Node, memory, vm.max_map_count, images. */
export async function diagnose(env: NodeJS.ProcessEnv = process.env): Promise<DoctorCheck[]> {
  const findings: DoctorCheck[] = [nodeCheck(), memoryCheck(), await mapCountCheck()];
  let engine: ContainerRuntimeClient;
  try {
    engine = await connectEngine();
  } catch (error) {
    const fix = error instanceof StackError ? error.fix : "start a Docker engine";
    return [{ check: "Docker engine", verdict: "fail", detail: "not reachable", fix }, ...findings];
  }
  const { serverVersion, operatingSystem, cpus, memory } = engine.info.containerRuntime;
  findings.unshift({
    check: "Docker engine",
    verdict: "ok",
    detail: `Docker ${serverVersion} on ${operatingSystem}, ${cpus} CPUs, ${(memory / 2 ** 30).toFixed(1)} GiB`,
  });
  const track = imageTrack(undefined, env);
  for (const name of serviceNames) {
    const image = resolveImage(specOf(name), track, env);
    const present = await engine.image.exists(ImageName.fromString(image));
    const fix = track === "lookalike" ? `run \`${lookalikeBuildCommand}\`` : "pulled at the first boot: its registry must be reachable";
    findings.push({
      check: `image of ${name}`,
      verdict: present ? "ok" : "warn",
      detail: `${image} ${present ? "present" : "missing"}`,
      ...(present ? {} : { fix }),
    });
  }
  return findings;
}

function nodeCheck(): DoctorCheck {
  const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
  const recent = major > minimumNode[0] || (major === minimumNode[0] && minor >= minimumNode[1]);
  return {
    check: "Node.js",
    verdict: recent ? "ok" : "fail",
    detail: process.versions.node,
    ...(recent ? {} : { fix: `use Node >= ${minimumNode.join(".")} (testcontainers 12 needs it), e.g. \`npm install -g node@24\`` }),
  };
}

function memoryCheck(): DoctorCheck {
  const freeGiB = freemem() / 2 ** 30;
  return {
    check: "free memory",
    verdict: freeGiB >= recommendedFreeGiB ? "ok" : "warn",
    detail: `${freeGiB.toFixed(1)} GiB free; the whole stack takes about 2 GiB after boot, more under load`,
    ...(freeGiB >= recommendedFreeGiB ? {} : { fix: "close other programs, or boot a subset (`stack-harness up pgvector redis`)" }),
  };
}

async function mapCountCheck(): Promise<DoctorCheck> {
  const text = await readFile("/proc/sys/vm/max_map_count", "utf8").catch(() => undefined);
  if (text === undefined) {
    return { check: "vm.max_map_count", verdict: "ok", detail: "not readable here (the engine's VM decides)" };
  }
  const count = Number(text.trim());
  const enough = count >= elasticsearchMapCount;
  return {
    check: "vm.max_map_count",
    verdict: enough ? "ok" : "warn",
    detail: `${count}; Elasticsearch wants ${elasticsearchMapCount} (single-node mode only warns)`,
    ...(enough ? {} : { fix: `sudo sysctl -w vm.max_map_count=${elasticsearchMapCount}` }),
  };
}
