import { readFile } from "node:fs/promises";
import { freemem } from "node:os";
import type { ContainerRuntimeClient } from "testcontainers";
import { serviceNames, specOf } from "../catalog/catalog.ts";
import { connectEngine } from "../engine/connect.ts";
import { StackError } from "../errors.ts";
import { supportedNode } from "../common/supported-node.js";
import { decideTrack } from "../images/auto-track.ts";
import { imagePresent } from "../images/image-present.ts";
import { lookalikeBuildCommand } from "../images/lookalike.ts";
import { registriesAnswering, registryOf } from "../images/registries.ts";
import { imageChoice, resolveImage } from "../images/track.ts";

export type Verdict = "ok" | "warn" | "fail";

/** One finding of `stack-harness doctor`: what was checked, how it stands, and the fix. */
export interface DoctorCheck {
  check: string;
  verdict: Verdict;
  detail: string;
  fix?: string;
}

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
  const upstream = serviceNames.map((name) => resolveImage(specOf(name), "upstream", env));
  const answers = await registriesAnswering([...new Set(upstream.map(registryOf))]);
  for (const [host, answered] of Object.entries(answers)) {
    findings.push({
      check: `registry ${host}`,
      verdict: answered ? "ok" : "warn",
      detail: answered ? "answers" : "no answer within 3 s",
      ...(answered ? {} : { fix: "the look-alike images stand in where it does not (images auto), or set STACK_HARNESS_REGISTRY to a mirror" }),
    });
  }
  const choice = imageChoice(undefined, env);
  const track = await decideTrack(choice, engine, upstream);
  findings.push({ check: "image track", verdict: "ok", detail: choice === "auto" ? `${track} (auto)` : `${track} (STACK_HARNESS_IMAGES)` });
  for (const name of serviceNames) {
    const image = resolveImage(specOf(name), track, env);
    const present = await imagePresent(engine, image);
    const fix = track === "lookalike" ? `built at its first boot, or all at once by \`${lookalikeBuildCommand}\`` : `pulled at its first boot from ${registryOf(image)}`;
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
  // An older Node is refused before this runs (common/supported-node.js).
  return { check: "Node.js", verdict: "ok", detail: `${process.versions.node} (>= ${supportedNode})` };
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
