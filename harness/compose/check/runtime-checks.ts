import { GenericContainer, Wait, type ContainerRuntimeClient, type StartedTestContainer } from "testcontainers";
import { specOf, type ServiceName } from "../../catalog/catalog.ts";
import { removeRun } from "../../cleanup/removal.ts";
import { lookalikeImage } from "../../images/lookalike.ts";
import { StackError } from "../../errors.ts";
import { decideTrack } from "../../images/auto-track.ts";
import { ensureImage } from "../../images/ensure-image.ts";
import { imageChoice, type ImageTrack } from "../../images/track.ts";
import { networkName, newRunId, runLabels, runVolumeName } from "../../engine/resource-names.ts";
import { lastLogLines } from "../../engine/container-logs.ts";
import { dockerHealthCheck } from "../../engine/healthcheck.ts";
import type { ComposeService } from "./compose-model.ts";
import type { ComposeFinding } from "./findings.ts";
import { commandOf, describeTest, programsOf } from "./health-test.ts";
import { catalogHealthcheck } from "./static-checks.ts";

/** The image a known service runs here: its own, or the look-alike of its catalog service on the look-alike track. */
export function imageToRun(service: ComposeService, known: ServiceName, track: ImageTrack): string {
  return track === "lookalike" ? lookalikeImage(specOf(known)) : service.image!;
}

/** The track of the file's images: STACK_HARNESS_IMAGES, or for "auto" as a boot decides it. */
async function trackOf(engine: ContainerRuntimeClient, services: ComposeService[]): Promise<ImageTrack> {
  return decideTrack(imageChoice(undefined), engine, services.map((service) => service.image!));
}

/**
 * Starts the known services with the file's environment, command and volumes on a private network,
 * each under its compose name, waits until the catalog's healthcheck says each serves, and then
 * proves each of the file's healthchecks: its programs exist in the image, it passes while the
 * service serves, and it fails in a container of the same image with no server running; and
 * that what the service keeps in its data directory outlives a new container.
 */
export async function runtimeFindings(engine: ContainerRuntimeClient, services: ComposeService[], known: Map<string, ServiceName>): Promise<ComposeFinding[]> {
  const runId = newRunId();
  const network = networkName(runId);
  const findings: ComposeFinding[] = [];
  const track = await trackOf(engine, services);
  try {
    await engine.container.dockerode.createNetwork({ Name: network, Driver: "bridge", Labels: runLabels(runId) });
    const started = new Map<string, StartedTestContainer>();
    const startOne = async (service: ComposeService) => {
      const name = known.get(service.name)!;
      const image = imageToRun(service, name, track);
      try {
        await ensureImage(engine, name, image, () => {});
      } catch (error) {
        findings.push(unavailableImage(service, image, error), ...knownWithoutImage(service, name, image));
        return;
      }
      const runsServer = specOf(name).composeService?.runsServer;
      if (service.command && runsServer && !runsServer(service.command)) {
        findings.push(...(await otherProgramFindings(engine, service, name, image, runId, network)));
        return;
      }
      try {
        started.set(service.name, await serving(engine, service, name, track, runId, network));
      } catch (error) {
        findings.push({
          service: service.name,
          check: "image",
          severity: "error",
          message: `did not serve with the file's settings within ${specOf(name).startupTimeoutMs / 1000} s (${String(error).split("\n")[0]}).`,
          fix: "read `docker compose logs` of the service and check its environment and command.",
        });
      }
    };
    const order = inDependencyWaves(services);
    for (const wave of order) await Promise.all(wave.map(startOne));
    for (const service of services) {
      const container = started.get(service.name);
      if (!container) continue;
      if (service.healthcheck) findings.push(...(await healthcheckFindings(service, known.get(service.name)!, track, container, runId)));
      const volume = await volumeFinding(engine, service, known.get(service.name)!, track, container, runId, network);
      if (volume) findings.push(volume);
    }
    return findings;
  } finally {
    await removeRun(engine, runId);
  }
}

/** An image that is neither on the engine nor pullable (or, a look-alike, buildable): nothing of the service can run. */
function unavailableImage(service: ComposeService, image: string, error: unknown): ComposeFinding {
  const reason = error instanceof StackError ? error.problem : String(error).split("\n")[0];
  return {
    service: service.name,
    check: "image",
    severity: "error",
    message: `${image} cannot be had here: ${reason} Nothing of "${service.name}" ran.`,
    fix:
      "check the image name and tag, and that its registry answers (or set STACK_HARNESS_REGISTRY to a mirror); " +
      "where no registry answers, check the file on the look-alike images: STACK_HARNESS_IMAGES=lookalike.",
  };
}

/** What the catalog knows of the image without running it: the tools it lacks, which a healthcheck cannot use. */
function knownWithoutImage(service: ComposeService, name: ServiceName, image: string): ComposeFinding[] {
  if (!service.healthcheck) return [];
  const shown = describeTest(service.healthcheck);
  const absent = programsOf(service.healthcheck).filter((program) => specOf(name).absentTools.includes(program));
  if (absent.length === 0) return [];
  return [
    {
      service: service.name,
      check: "healthcheck program",
      severity: "error",
      message: `${shown}: ${absent.join(", ")} is not in the image ${image} (known without running it: the ${name} image has no ${specOf(name).absentTools.join(", ")}), so the check can never pass.`,
      fix: catalogHealthcheck(name),
    },
  ];
}

/** How long a service that runs another program than the server must keep running. */
const otherProgramWatchMs = 3_000;

/**
 * A service that runs another program in the image (a sidecar running `sleep` in the redis image):
 * judged as what it runs. It must start and keep running for 3 s, and its healthcheck's programs
 * must be in the image.
 */
async function otherProgramFindings(
  engine: ContainerRuntimeClient,
  service: ComposeService, name: ServiceName, image: string, runId: string, network: string): Promise<ComposeFinding[]> {
  const shown = [...(service.entrypoint ?? []), ...service.command!].join(" ");
  const container = new GenericContainer(image)
    .withLabels(runLabels(runId))
    .withNetworkMode(network)
    .withNetworkAliases(service.name)
    .withEnvironment(service.environment)
    .withCommand(service.command!);
  if (service.entrypoint) container.withEntrypoint(service.entrypoint);
  const started = await container.start();
  await new Promise((resolve) => setTimeout(resolve, otherProgramWatchMs));
  const state = (await engine.container.dockerode.getContainer(started.getId()).inspect()).State;
  const findings: ComposeFinding[] = [];
  if (!state.Running) {
    const logs = (await lastLogLines(engine, started.getId(), 3)).trim().split("\n").join(" | ");
    findings.push({
      service: service.name,
      check: "image",
      severity: "error",
      message: `runs \`${shown}\` in the ${name} image (not its server), which exited with code ${state.ExitCode} within ${otherProgramWatchMs / 1000} s${logs ? `: ${logs}` : "."}`,
      fix: "check the service's command; a container compose starts should keep running.",
    });
  } else {
    findings.push({ service: service.name, check: "image", severity: "ok", message: `runs \`${shown}\` in the ${name} image (not its server): judged as that program, which started and kept running.` });
    if (service.healthcheck) {
      const missing = [];
      for (const program of programsOf(service.healthcheck)) if ((await started.exec(["sh", "-c", `command -v ${program}`])).exitCode !== 0) missing.push(program);
      if (missing.length > 0) {
        findings.push({
          service: service.name,
          check: "healthcheck program",
          severity: "error",
          message: `${describeTest(service.healthcheck)}: ${missing.join(", ")} is not in the image ${image}, so the check can never pass.`,
          fix: "use programs the image has (`docker run --rm --entrypoint sh IMAGE -c 'command -v PROGRAM'`).",
        });
      }
    }
  }
  await started.stop({ timeout: 0 }).catch(() => {});
  return findings;
}


/** Services in waves: each after the services of the list it depends on. */
function inDependencyWaves(services: ComposeService[]): ComposeService[][] {
  const names = new Set(services.map((service) => service.name));
  const placed = new Set<string>();
  const waves: ComposeService[][] = [];
  while (placed.size < services.length) {
    const wave = services.filter(
      (service) => !placed.has(service.name) && service.dependsOn.every(({ service: dependency }) => !names.has(dependency) || placed.has(dependency)),
    );
    if (wave.length === 0) return [...waves, services.filter((service) => !placed.has(service.name))];
    wave.forEach((service) => placed.add(service.name));
    waves.push(wave);
  }
  return waves;
}

async function serving(engine: ContainerRuntimeClient, service: ComposeService, name: ServiceName, track: ImageTrack, runId: string, network: string): Promise<StartedTestContainer> {
  const spec = specOf(name);
  const container = new GenericContainer(imageToRun(service, name, track))
    .withLabels(runLabels(runId))
    .withNetworkMode(network)
    .withNetworkAliases(service.name)
    .withEnvironment(service.environment)
    .withResourcesQuota({ memory: spec.memoryMiB / 1024 })
    .withHealthCheck(dockerHealthCheck(spec, spec.composeService?.checkVariables?.(service.command ?? [], service.environment)))
    .withWaitStrategy(Wait.forHealthCheck())
    .withStartupTimeout(spec.startupTimeoutMs);
  const command = service.command ?? spec.command;
  if (command) container.withCommand(command);
  if (service.entrypoint) container.withEntrypoint(service.entrypoint);
  const mounts = await Promise.all(
    service.mounts.map(async (mount, index) => {
      if (mount.kind === "bind") return { source: mount.source, target: mount.target, mode: "ro" as const };
      const volume = runVolumeName(runId, `${service.name}-${index}`);
      await engine.container.dockerode.createVolume({ Name: volume, Labels: runLabels(runId) });
      return { source: volume, target: mount.target };
    }),
  );
  // One call: each call replaces the mounts of the one before.
  container.withBindMounts(mounts);
  return container.start();
}

async function healthcheckFindings(
  service: ComposeService,
  name: ServiceName,
  track: ImageTrack,
  container: StartedTestContainer,
  runId: string,
): Promise<ComposeFinding[]> {
  const test = service.healthcheck!;
  const shown = describeTest(test);
  const fix = catalogHealthcheck(name);
  const image = imageToRun(service, name, track);
  const idle = await new GenericContainer(image)
    .withLabels(runLabels(runId))
    .withEnvironment(service.environment)
    .withEntrypoint(["sleep"])
    .withCommand(["600"])
    .start();
  const findings: ComposeFinding[] = [];
  const missing: string[] = [];
  for (const program of programsOf(test)) {
    const found = await idle.exec(["sh", "-c", `command -v ${program}`]);
    if (found.exitCode !== 0) missing.push(program);
  }
  findings.push(
    missing.length > 0
      ? { service: service.name, check: "healthcheck program", severity: "error", message: `${shown}: ${missing.join(", ")} is not in the image ${image}, so the check can never pass.`, fix }
      : { service: service.name, check: "healthcheck program", severity: "ok", message: `every program of ${shown} is in the image.` },
  );
  const whileServing = await container.exec(commandOf(test));
  findings.push(
    whileServing.exitCode === 0
      ? { service: service.name, check: "healthcheck while serving", severity: "ok", message: `${shown} passes while the service serves.` }
      : {
          service: service.name,
          check: "healthcheck while serving",
          severity: "error",
          message: `${shown} fails (exit ${whileServing.exitCode}) although the service serves: ${whileServing.output.trim().split("\n").slice(-2).join(" | ")}`,
          fix,
        },
  );
  const { unfitWhileServing: unfit } = specOf(name);
  if (unfit && whileServing.exitCode === 0 && (await container.exec(["sh", "-c", unfit.spring])).exitCode === 0) {
    const whileUnfit = await container.exec(commandOf(test));
    await container.exec(["sh", "-c", unfit.restore]);
    findings.push(
      whileUnfit.exitCode === 0
        ? { service: service.name, check: "healthcheck while unfit", severity: "error", message: `${shown} passes while the service answers but ${unfit.description}.`, fix }
        : { service: service.name, check: "healthcheck while unfit", severity: "ok", message: `${shown} fails while ${unfit.description}.` },
    );
  }
  const serverDown = await idle.exec(commandOf(test));
  findings.push(
    serverDown.exitCode === 0
      ? { service: service.name, check: "healthcheck with the server down", severity: "error", message: `${shown} passes in a container of the same image with no server running.`, fix }
      : { service: service.name, check: "healthcheck with the server down", severity: "ok", message: `${shown} fails when no server runs.` },
  );
  await idle.stop({ timeout: 0 });
  return findings;
}

const marker = ".stack-harness-volume-check";

/**
 * Leaves a file in the service's data directory, replaces the container by a new one with the same
 * settings, and looks for the file: it is there only if a declared volume holds that directory.
 */
async function volumeFinding(
  engine: ContainerRuntimeClient,
  service: ComposeService,
  name: ServiceName,
  track: ImageTrack,
  container: StartedTestContainer,
  runId: string,
  network: string,
): Promise<ComposeFinding | undefined> {
  const { dataDir } = specOf(name);
  if (!dataDir) return undefined;
  const written = await container.exec(["sh", "-c", `touch ${dataDir}/${marker}`]);
  if (written.exitCode !== 0) return undefined;
  await container.stop({ timeout: specOf(name).stopTimeoutSeconds * 1000 });
  const replacement = await serving(engine, service, name, track, runId, network);
  const kept = (await replacement.exec(["test", "-f", `${dataDir}/${marker}`])).exitCode === 0;
  const declared = service.mounts.map((mount) => mount.target).join(", ") || "none";
  return kept
    ? { service: service.name, check: "volume", severity: "ok", message: `${dataDir} outlives a new container (volumes at ${declared}).` }
    : {
        service: service.name,
        check: "volume",
        severity: "error",
        message: `${dataDir}, where the service keeps its data, is lost with the container: no volume holds it (volumes at ${declared}).`,
        fix: `mount a named volume at ${dataDir}, e.g. volumes: ["${service.name}-data:${dataDir}"].`,
      };
}
