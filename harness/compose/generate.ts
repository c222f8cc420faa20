import { cp, mkdir, rm, writeFile } from "node:fs/promises";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { stringify } from "yaml";
import { serviceNames, specOf } from "../catalog/catalog.ts";
import { loopback, publishAddressVariable } from "../engine/published-ports.ts";
import { imageOverrideVariable } from "../images/track.ts";
import { ollamaModelVariable, tinyModelReference } from "../catalog/models/ollama-model.ts";
import type { ServiceSpec, StackSettings } from "../catalog/service-spec.ts";

/**
 * The settings as docker-compose.yml holds them: interpolations of the same variables, whose
 * defaults need no network (the tiny model comes from the stack's own model-registry).
 */
const composeSettings: StackSettings = {
  ollamaModel: `\${${ollamaModelVariable}:-${tinyModelReference}}`,
};

/** Where `npm run compose` puts the files the services need that are not beside docker-compose.yml. */
const composeStagingDir = ".stack-harness";

export const composeHeader =
  "# Generated from harness/catalog/services by `npm run compose`; edit the catalog, not this file.\n" +
  "# Each image can be overridden with its STACK_HARNESS_IMAGE_<SERVICE> variable, Ollama's model with\n" +
  "# STACK_HARNESS_OLLAMA_MODEL, and the address ports are published on (127.0.0.1) with\n" +
  `# STACK_HARNESS_PUBLISH_ADDRESS. \`npm run compose\` also writes ./${composeStagingDir}/, which the\n` +
  "# services mount. Needs Docker Compose 2.30 or later (post_start).\n";

/** A host path bind-mounted read-only at `target`: a file beside docker-compose.yml, or a staged copy of `sources`. */
interface Mount {
  target: string;
  /** The path docker-compose.yml names, relative to its directory. */
  hostPath: string;
  /** Copied to hostPath in this order by `writeComposeFile`; empty when hostPath is the source itself. */
  sources: string[];
}

/** docker-compose.yml for the whole catalog, as written into `dir`. */
export async function composeFile(dir: string): Promise<string> {
  return render(await mountsOf(dir));
}

/** Writes docker-compose.yml, and first the copies it mounts under .stack-harness/ beside it. */
export async function writeComposeFile(file: string): Promise<void> {
  const dir = dirname(resolve(file));
  const mounts = await mountsOf(dir);
  for (const mount of [...mounts.values()].flat()) {
    if (mount.sources.length === 0) continue;
    const path = join(dir, mount.hostPath);
    await rm(path, { recursive: true, force: true });
    await mkdir(dirname(path), { recursive: true });
    for (const source of mount.sources) await cp(source, path, { recursive: true });
  }
  await writeFile(file, render(mounts));
}

function render(mounts: Map<string, Mount[]>): string {
  const specs = serviceNames.map(specOf);
  const document = {
    name: "stack-harness",
    services: Object.fromEntries(specs.map((spec) => [spec.name, composeService(spec, mounts.get(spec.name) ?? [])])),
    volumes: Object.fromEntries(specs.filter((spec) => spec.dataDir).map((spec) => [volumeName(spec), {}])),
  };
  return composeHeader + stringify(document, { lineWidth: 0, version: "1.1" });
}

/**
 * Each service's files() as mounts: a lone source inside `dir` is mounted where it is; anything
 * else (generated files, several sources for one target) is staged under .stack-harness/<service>.
 */
async function mountsOf(dir: string): Promise<Map<string, Mount[]>> {
  const entries = await Promise.all(
    serviceNames.map(async (name) => {
      const byTarget = new Map<string, string[]>();
      for (const { source, target } of (await specOf(name).files?.()) ?? []) byTarget.set(target, [...(byTarget.get(target) ?? []), source]);
      const mounts = [...byTarget].map(([target, sources]): Mount => {
        const path = relative(dir, sources[0]!);
        const inside = path !== ".." && !path.startsWith(`..${sep}`) && !isAbsolute(path);
        if (sources.length === 1 && inside) return { target, hostPath: `./${path}`, sources: [] };
        return { target, hostPath: `./${composeStagingDir}/${name}${target}`, sources };
      });
      return [name, mounts] as const;
    }),
  );
  return new Map(entries);
}

function composeService(spec: ServiceSpec, mounts: Mount[]): Record<string, unknown> {
  const { healthcheck } = spec;
  const volumes = [
    ...(spec.dataDir ? [`${volumeName(spec)}:${spec.dataDir}`] : []),
    ...mounts.map(({ hostPath, target }) => ({
      type: "bind",
      source: hostPath,
      target,
      read_only: true,
      bind: { create_host_path: false },
    })),
  ];
  return {
    image: `\${${imageOverrideVariable(spec)}:-${spec.upstreamImage}}`,
    ...(spec.command ? { command: spec.command.map(escape) } : {}),
    ...(Object.keys(spec.environment).length > 0
      ? { environment: Object.fromEntries(Object.entries(spec.environment).map(([key, value]) => [key, escape(value)])) }
      : {}),
    // As bootStack publishes them: on 127.0.0.1 unless the variable opens them wider.
    ports: [spec.port, ...(spec.extraPorts ?? [])].map((port) => `\${${publishAddressVariable}:-${loopback}}::${port}`),
    ...(volumes.length > 0 ? { volumes } : {}),
    mem_limit: `${spec.memoryMiB}m`,
    stop_grace_period: `${spec.stopTimeoutSeconds}s`,
    healthcheck: {
      test: ["CMD-SHELL", escape(healthcheck.command("127.0.0.1"))],
      interval: duration(healthcheck.intervalMs),
      timeout: duration(healthcheck.timeoutMs),
      retries: healthcheck.retries,
      start_period: duration(healthcheck.startPeriodMs),
    },
    ...(spec.provisionScript ? { post_start: [postStart(spec)] } : {}),
    ...(spec.dependsOn.length > 0
      ? { depends_on: Object.fromEntries(spec.dependsOn.map((name) => [name, { condition: "service_healthy" }])) }
      : {}),
  };
}

const hookPollMs = 200;

/**
 * The provisioning script as a post_start hook: compose runs it in the container right after the
 * start and `up` (with or without --wait) waits for it, so it first waits for the healthcheck to
 * pass, for at most the service's startup timeout. Its variables are compose interpolations.
 */
function postStart(spec: ServiceSpec): Record<string, unknown> {
  const { script, environment } = spec.provisionScript!;
  const attempts = Math.ceil(spec.startupTimeoutMs / hookPollMs);
  const waitForHealth =
    `tries=0; until (${spec.healthcheck.command("127.0.0.1")}) >/dev/null 2>&1; do ` +
    `tries=$((tries + 1)); if [ "$tries" -ge ${attempts} ]; then echo "${spec.name}: not healthy after ${spec.startupTimeoutMs / 1000} s" >&2; exit 1; fi; ` +
    `sleep ${hookPollMs / 1000}; done`;
  return {
    command: ["sh", "-c", escape(`${waitForHealth}; ${script}`)],
    environment: environment(composeSettings),
  };
}

function volumeName(spec: ServiceSpec): string {
  return `${spec.name}-data`;
}

/** Compose interpolates `$`; the container must see it literally. */
function escape(value: string): string {
  return value.replaceAll("$", () => "$$");
}

function duration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
