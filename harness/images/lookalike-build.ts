import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { serviceNames, specOf, type ServiceName } from "../catalog/catalog.ts";
import { StackError } from "../errors.ts";
import type { ServiceSpec } from "../catalog/service-spec.ts";
import { faultProxyImage } from "./fault-proxy-image.ts";
import { lookalikeImage, lookalikeRecipe, lookalikeTag } from "./lookalike.ts";
import { packagePath } from "../common/package-paths.ts";
import { checkNames } from "../catalog/selection.ts";

const imagesDir = packagePath("images/");

/**
 * The base image a look-alike builds FROM: `STACK_HARNESS_BASE_TRIXIE` (e.g. debian:trixie-slim
 * from a registry mirror) if set, else stack-harness/base:<codename> made by debootstrap.
 */
export function baseImage(codename: string, env: NodeJS.ProcessEnv = process.env): string {
  return env[`STACK_HARNESS_BASE_${codename.toUpperCase()}`] ?? `stack-harness/base:${codename}`;
}

/**
 * Builds the base images, then the look-alike image of each service, and the fault proxy's
 * (`faultProxy`, images/fault-proxy: no base), printing progress.
 */
export async function buildLookalikeImages(
  services: readonly ServiceName[] = serviceNames,
  print: (line: string) => void = console.log,
  { faultProxy = false } = {},
): Promise<void> {
  if (services.length > 0 || !faultProxy) checkNames(services);
  const specs = withBuildUses(services).map(specOf);
  const codenames = [...new Set(specs.map((spec) => spec.lookalike.base))];
  for (const codename of codenames) {
    if (process.env[`STACK_HARNESS_BASE_${codename.toUpperCase()}`]) continue;
    print(`base ${codename}: debootstrap + docker import (cached by tag)`);
    await run("bash", [`${imagesDir}base/build.sh`, codename], `base ${codename}`, print, everyLine);
  }
  const recipes: Array<[string, Build]> = [...new Map(specs.map((spec) => [lookalikeRecipe(spec), buildOf(spec)]))];
  if (faultProxy) recipes.push([faultProxyImage.recipe, { base: undefined, stages: [] }]);
  for (const [index, [recipe, { base, stages }]] of recipes.entries()) {
    const step = `[${index + 1}/${recipes.length}] ${recipe}`;
    const context = `${imagesDir}${recipe}`;
    const started = Date.now();
    if (existsSync(`${context}/fetch.sh`)) {
      print(`${step}: fetching packages on this machine (cached in ${recipe}/artifacts)`);
      await run("bash", [`${context}/fetch.sh`], recipe, print, everyLine);
    }
    const tag = lookalikeTag(recipe);
    print(`${step}: building ${tag}${base ? ` from ${base}` : ""}`);
    const baseArgument = base ? ["--build-arg", `BASE=${base}`] : [];
    await run("docker", ["build", "-t", tag, ...baseArgument, ...stages, context], recipe, print, buildSteps);
    print(`${step}: ready in ${Math.round((Date.now() - started) / 1000)} s`);
  }
}

/** What a recipe builds from: a base image (none for an image of static binaries), and its stages as `docker build` arguments. */
interface Build {
  base: string | undefined;
  stages: string[];
}

function buildOf(spec: ServiceSpec): Build {
  const stages = (spec.lookalike.buildUses ?? []).flatMap((name) => [
    "--build-arg",
    `${name.toUpperCase().replaceAll("-", "_")}_IMAGE=${lookalikeImage(specOf(name as ServiceName))}`,
  ]);
  return { base: baseImage(spec.lookalike.base), stages };
}

/** The services, each after the services whose images its build uses (adding those not asked for). */
function withBuildUses(services: readonly ServiceName[]): ServiceName[] {
  const ordered: ServiceName[] = [];
  const visit = (name: ServiceName) => {
    if (ordered.includes(name)) return;
    for (const used of specOf(name).lookalike.buildUses ?? []) visit(used as ServiceName);
    ordered.push(name);
  };
  services.forEach(visit);
  return ordered;
}

const everyLine = /./;
const buildSteps = /^Step \d+\/\d+/;

function run(command: string, args: string[], label: string, print: (line: string) => void, shown: RegExp): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    const output: string[] = [];
    const collect = (chunk: Buffer) => {
      for (const line of chunk.toString().split("\n")) {
        if (!line.trim()) continue;
        output.push(line);
        if (shown.test(line)) print(`  ${label} | ${line}`);
      }
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    child.on("error", (error) =>
      reject(new StackError({ code: "image-build-failed", service: label, problem: `cannot run ${command} (${error.message}).`, fix: `install ${command}.` })),
    );
    child.on("close", (code) => {
      if (code === 0) return resolve();
      reject(
        new StackError({
          code: "image-build-failed",
          service: label,
          problem: `the image build failed (${command} exited with ${code}).`,
          fix: "read the build output below; the Debian mirror must be reachable over HTTP from containers.",
          details: output.slice(-30).join("\n"),
        }),
      );
    });
  });
}
