import { createHash } from "node:crypto";
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import type { ContainerRuntimeClient } from "testcontainers";
import { specOf, type Seeds, type ServiceName } from "../catalog/catalog.ts";
import type { StackSettings } from "../catalog/service-spec.ts";
import { dockerHealthCheck } from "../engine/healthcheck.ts";
import { reuseLabel, serviceLabel } from "../engine/resource-names.ts";
import type { ServicePlan } from "../engine/service-container.ts";

/**
 * Names a stack by everything that shapes it: the services, the image each runs (by image ID, so
 * a rebuilt image gives a new stack), each service's definition and plan (all but its startup
 * timeout), the files copied in, the settings and the seeds with their files. The key names the network, the containers and the volumes, so a reused stack always
 * has the network and DNS aliases its definition asks for.
 */
export async function reuseKey(
  engine: ContainerRuntimeClient,
  services: Iterable<ServicePlan>,
  settings: StackSettings,
  seeds: Seeds,
): Promise<string> {
  const shapes = await Promise.all(
    [...services]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map(async ({ startupTimeoutMs, ...plan }) => {
        const spec = specOf(plan.name);
        const { Id: imageId } = await engine.container.dockerode.getImage(plan.image).inspect();
        const files = await Promise.all(((await spec.files?.()) ?? []).map(async (file) => [file.target, await fingerprint(file.source)]));
        const healthcheck = dockerHealthCheck(spec);
        return { ...spec, ...plan, healthcheck, imageId, files };
      }),
  );
  const seedFiles = await Promise.all(
    Object.entries(seeds).map(async ([name, seed]) => [name, seed, await Promise.all(specOf(name as ServiceName).seeding!.files(seed).map(fingerprint))]),
  );
  return createHash("sha256").update(JSON.stringify({ shapes, settings, seedFiles })).digest("hex").slice(0, 12);
}

/** Path, size and modification time of a file or of every file under a directory. */
async function fingerprint(path: string): Promise<string[]> {
  const info = await stat(path);
  if (!info.isDirectory()) return [`${path}:${info.size}:${info.mtimeMs}`];
  const entries = await readdir(path, { recursive: true, withFileTypes: true });
  const files = entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
  return (await Promise.all(files.sort().map(fingerprint))).flat();
}

/**
 * Whether every service of the reused stack runs, is healthy and answers at its alias on the
 * stack's network. Anything less is removed by the caller and booted afresh.
 */
export async function reusable(
  engine: ContainerRuntimeClient,
  key: string,
  network: string,
  names: readonly ServiceName[],
): Promise<boolean> {
  const docker = engine.container.dockerode;
  const found = await docker.listContainers({ all: true, filters: JSON.stringify({ label: [`${reuseLabel}=${key}`] }) });
  if (found.length !== names.length) return false;
  const inspected = await Promise.all(found.map((container) => docker.getContainer(container.Id).inspect()));
  return names.every((name) =>
    inspected.some(
      (container) =>
        container.Config.Labels[serviceLabel] === name &&
        container.State.Running &&
        container.State.Health?.Status === "healthy" &&
        (container.NetworkSettings.Networks[network]?.Aliases ?? []).includes(name),
    ),
  );
}
