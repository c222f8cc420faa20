import { readFile, rename, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ContainerRuntimeClient } from "testcontainers";
import { withMachineLock } from "../common/machine-lock.ts";
import { cacheLabels, cacheVolumeName, harnessLabel } from "./resource-names.ts";

/** Where the class-data archives are, in the container of a JVM service. */
const archiveDir = "/stack-harness-class-data";
const archiveCache = "jvm-class-data";
/** The first JDK with -XX:+AutoCreateSharedArchive; an older JVM refuses the option and does not start. */
const autoArchiveJdk = 19;
const versionsFile = join(tmpdir(), "stack-harness-jvm-versions.json");

/** The volume that keeps every JVM service's class-data archive between stacks (removed by `stack-harness down`). */
export const classArchiveVolume = cacheVolumeName(archiveCache);

/** The mount of classArchiveVolume in a JVM service's container. */
export const classArchiveMount = { source: classArchiveVolume, target: archiveDir };

/**
 * The class-data archive of a service's server JVM: options that have the JVM map it, or write it
 * at a graceful exit where there is none or it does not fit (another JVM or class path), one per
 * image ID and service in classArchiveVolume, which this creates where the engine lacks it.
 * Undefined where the image's JVM is older than JDK 19 (e.g. neo4j's bullseye images on JDK 17).
 */
export async function classArchiveOf(engine: ContainerRuntimeClient, image: string, service: string, java: string): Promise<ClassArchive | undefined> {
  const { Id: imageId } = await engine.container.dockerode.getImage(image).inspect();
  if ((await jdkOf(engine, imageId, image, java)) < autoArchiveJdk) return undefined;
  await ensureVolume(engine, image);
  const file = `${archiveDir}/${imageId.replace(/^sha256:/, "").slice(0, 12)}-${service}.jsa`;
  return { file, options: `-XX:+AutoCreateSharedArchive -XX:SharedArchiveFile=${file}` };
}

/** A server JVM's class-data archive: the file in the container, and the JVM options that map or write it. */
export interface ClassArchive {
  file: string;
  options: string;
}

/**
 * A shell command that exits 0 where a process of the container has the archive mapped. A JVM
 * writes a missing or unfit archive only at a graceful exit, and the harness removes a stack by
 * killing its containers, so that a stop first stops gracefully the JVM services for which this
 * fails.
 */
export function archiveMappedCommand(archive: ClassArchive): string {
  return `grep -qsF '${archive.file}' /proc/[0-9]*/maps`;
}

/**
 * The image's JDK feature version (17, 21, ...), asked once per image ID on this machine: `java
 * -version` in a container of it. The lock is taken only to ask: a warm boot's two JVM services
 * waited 250 ms for each other's lock when every read took it.
 */
async function jdkOf(engine: ContainerRuntimeClient, imageId: string, image: string, java: string): Promise<number> {
  const known = await knownVersions();
  if (known[imageId] !== undefined) return known[imageId];
  return withMachineLock("stack-harness-jvm-versions", 60_000, async () => {
    const again = await knownVersions();
    if (again[imageId] !== undefined) return again[imageId];
    const output = await runOnce(engine, image, [java, "-version"], []);
    // `openjdk version "21.0.9" 2025-10-21`, `openjdk version "17.0.17"`
    const feature = Number(/version "(\d+)/.exec(output)?.[1] ?? 0);
    const written = `${versionsFile}.${process.pid}`;
    await writeFile(written, JSON.stringify({ ...again, [imageId]: feature }));
    await rename(written, versionsFile);
    return feature;
  });
}

/** The JDK versions asked so far; none when the file is missing. */
function knownVersions(): Promise<Record<string, number>> {
  return readFile(versionsFile, "utf8").then((text) => JSON.parse(text) as Record<string, number>, () => ({}));
}

/**
 * Creates classArchiveVolume where the engine lacks it, writable by every user: a service's JVM
 * runs as the image's user (neo4j 7474, elasticsearch 1000), and a new volume's root belongs to
 * root. The service's image does the chmod, so that nothing else needs pulling.
 */
async function ensureVolume(engine: ContainerRuntimeClient, image: string): Promise<void> {
  const docker = engine.container.dockerode;
  const exists = () => docker.getVolume(classArchiveVolume).inspect().then(() => true, () => false);
  if (await exists()) return;
  await withMachineLock(classArchiveVolume, 60_000, async () => {
    if (await exists()) return;
    await docker.createVolume({ Name: classArchiveVolume, Labels: cacheLabels(archiveCache) });
    try {
      await runOnce(engine, image, ["chmod", "1777", archiveDir], [`${classArchiveVolume}:${archiveDir}`]);
    } catch (error) {
      await docker.getVolume(classArchiveVolume).remove().catch(() => {});
      throw error;
    }
  });
}

/** Runs a command as root in a new container of the image (no network), and returns its output; it must exit 0. */
async function runOnce(engine: ContainerRuntimeClient, image: string, command: string[], binds: string[]): Promise<string> {
  const docker = engine.container.dockerode;
  const container = await docker.createContainer({
    Image: image,
    User: "0",
    Entrypoint: [command[0]!],
    Cmd: command.slice(1),
    Labels: { [harnessLabel]: "true" },
    HostConfig: { Binds: binds, NetworkMode: "none" },
  });
  try {
    await container.start();
    const { StatusCode: code } = (await container.wait()) as { StatusCode: number };
    const output = (await container.logs({ stdout: true, stderr: true })).toString();
    if (code !== 0) throw new Error(`\`${command.join(" ")}\` in ${image} exited with ${code}: ${output.trim()}`);
    return output;
  } finally {
    await container.remove({ force: true });
  }
}
