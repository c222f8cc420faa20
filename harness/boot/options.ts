import { isIP } from "node:net";
import { catalog, serviceNames, specOf, type Seeds, type ServiceName } from "../catalog/catalog.ts";
import { ollamaModels, ollamaModelVariable } from "../catalog/models/ollama-model.ts";
import { selectServices } from "../catalog/selection.ts";
import type { StackSettings } from "../catalog/service-spec.ts";
import { publishAddressVariable } from "../engine/published-ports.ts";
import type { ServicePlan } from "../engine/service-container.ts";
import { StackError } from "../errors.ts";
import type { ContainerRuntimeClient } from "testcontainers";
import { autoTrack } from "../images/auto-track.ts";
import { resolveFaultProxyImage } from "../images/fault-proxy-image.ts";
import { imageChoice, resolveImage, type ImageChoice, type ImageTrack } from "../images/track.ts";

/** pulling the image, starting the container, waiting for its healthcheck, healthy, or failed. */
export type BootPhase = "pulling" | "starting" | "waiting" | "healthy" | "failed";

export interface BootProgress {
  /** The run the service belongs to (label `stack-harness.run`); unknown while the images are pulled, before the run begins. */
  runId: string | undefined;
  service: ServiceName;
  phase: BootPhase;
  /** Milliseconds since bootStack() was called. */
  elapsedMs: number;
}

export interface BootOptions<Names extends ServiceName = ServiceName> {
  /**
   * Services to start, by compose service name.
   * @default every service in the catalog
   * @example bootStack({ services: ["pgvector", "redis"] })
   */
  services?: readonly Names[];
  /**
   * Which images: "upstream" (the pinned images, pulled), "lookalike" (built from packages on
   * first use, or by `npm run images`), or "auto": the upstream images when each is present or its
   * registry answers, else the look-alikes (said once on stderr).
   * @default process.env.STACK_HARNESS_IMAGES, else "auto"
   * @example bootStack({ images: "lookalike" })
   */
  images?: ImageChoice;
  /**
   * Milliseconds each service may take to become healthy, for all or per service.
   * @default the catalog's value per service (pgvector 60 000, redis 30 000)
   * @example bootStack({ startupTimeoutMs: { pgvector: 120_000 } })
   */
  startupTimeoutMs?: number | Partial<Record<ServiceName, number>>;
  /**
   * Called as each service moves through pulling, starting, waiting (for its healthcheck),
   * healthy or failed.
   * @default no reporting
   * @example bootStack({ onProgress: (p) => console.log(p.service, p.phase, p.elapsedMs) })
   */
  onProgress?: (progress: BootProgress) => void;
  /**
   * The model Ollama pulls at boot, unless its volume holds it already; a model of the stack's
   * own registry (`model-registry:5000/...`) is pulled with --insecure.
   * @default process.env.STACK_HARNESS_OLLAMA_MODEL, else "smollm2:135m" (upstream images) or
   * "model-registry:5000/library/smollm2:135m" (look-alike images: the same SmolLM2-135M-Instruct,
   * served by the stack's own registry)
   * @example bootStack({ ollamaModel: "model-registry:5000/library/tiny-llama:latest" })
   */
  ollamaModel?: string;
  /**
   * Aborts the boot: what it started is removed and bootStack rejects.
   * @default none
   * @example bootStack({ signal: AbortSignal.timeout(300_000) })
   */
  signal?: AbortSignal;
  /**
   * Keeps the stack running after stop() and the process end, and hands it to the next boot that
   * asks for the same services, images and settings, on any process of this machine; that boot
   * takes a second or two. A kept stack that is not fully healthy is replaced. `stack-harness
   * down` removes it. Data written by earlier runs is still there. Disabled by
   * TESTCONTAINERS_REUSE_ENABLE=false.
   * @default process.env.STACK_HARNESS_REUSE === "true"
   * @example bootStack({ services: ["pgvector"], reuse: true })
   */
  reuse?: boolean;
  /**
   * Variables added to or replacing a service's environment. Clients, URLs and appEnvironment()
   * follow them (e.g. another Postgres password).
   * @default the catalog's environment
   * @example bootStack({ environment: { neo4j: { NEO4J_PLUGINS: '["apoc"]' } } })
   */
  environment?: Partial<Record<ServiceName, Record<string, string>>>;
  /**
   * A fixed host port for a service's main port, e.g. for a desktop client; a port that is taken
   * fails the boot with the port named.
   * @default a free port chosen by the engine
   * @example bootStack({ hostPorts: { redis: 6379 } })
   */
  hostPorts?: Partial<Record<ServiceName, number>>;
  /**
   * A directory where each container's output is appended to `<runId>-<service>.log`, from its
   * start until it is removed (e.g. for CI to upload when a job fails).
   * @default process.env.STACK_HARNESS_LOG_DIR, else no logs are kept
   * @example bootStack({ logDir: "reports/logs" })
   */
  logDir?: string;
  /**
   * The address of the engine's host that the services' ports are published on. With a local
   * engine the default, 127.0.0.1, keeps them (Postgres with its well-known test password, Redis,
   * Elasticsearch without security, ...) off the network; "0.0.0.0" opens them to other machines.
   * @default process.env.STACK_HARNESS_PUBLISH_ADDRESS, else "127.0.0.1" (a local engine) or every
   * address (a remote engine, whose host the endpoints name)
   * @example bootStack({ publishAddress: "0.0.0.0" })
   */
  publishAddress?: string;
  /**
   * Data the app's tests start from, per service, applied once per stack after the boot; every
   * slice opens holding it, and reset() returns to it. Files are read from this machine (relative
   * paths from the working directory). A seed that fails names the service, the file and the
   * statement, and the boot removes everything it started.
   * @default no seeds: every part starts empty
   * @example bootStack({ seeds: { pgvector: { sql: ["seeds/schema.sql"] }, redis: { commands: ["seeds/cache.redis"] } } })
   */
  seeds?: Seeds;
  /**
   * Has each JVM service whose image runs JDK 19 or later (Neo4j, Elasticsearch) map a class-data
   * archive of its server JVM: its first boot's JVM writes one at exit, per image, into the volume
   * stack-harness-cache-jvm-class-data (removed by `stack-harness down`), and later boots load
   * their classes from it. A boot without the archive works as before and writes it.
   * @default process.env.STACK_HARNESS_CLASS_ARCHIVES !== "false"
   * @example bootStack({ classArchives: false })
   */
  classArchives?: boolean;
  /**
   * Services booted behind a fault proxy (Toxiproxy) that takes over their name on the stack
   * network and their host endpoint, so that a test can slow, throttle, time out or reset the
   * connections to them (Stack.fault). A boot without it starts no proxy; one with it pays about
   * 5 MiB and 0.4 s of boot (see README "Testing failure").
   * @default [] (no proxy)
   * @example bootStack({ faultProxy: ["elasticsearch", "redis"] })
   */
  faultProxy?: readonly Names[];
}

/** Everything a boot does, resolved from its options, the environment and the catalog before anything starts. */
export interface BootPlan<Names extends ServiceName = ServiceName> {
  names: readonly Names[];
  /** Per service, in the order of `names`. */
  services: ReadonlyMap<Names, ServicePlan>;
  /** What was asked for. */
  images: ImageChoice;
  /** The track the services' images come from. */
  track: ImageTrack;
  settings: StackSettings;
  /** The seeds of the services booted. */
  seeds: Seeds;
  /** Whether the stack is kept for reuse. */
  reuse: boolean;
  /** The fault proxy's image and the services behind it; undefined for a boot without one. */
  faultProxy: { image: string; services: readonly Names[] } | undefined;
  signal: AbortSignal | undefined;
  onProgress: BootOptions["onProgress"];
}

/**
 * Checks the options and resolves them into the plan the boot executes; refuses bad input, naming
 * the option and the fix. "auto" takes the track `decided` (bootStack asks autoTrack), else upstream.
 */
export function resolveBootPlan<Names extends ServiceName>(
  options: BootOptions<Names>,
  env: NodeJS.ProcessEnv = process.env,
  decided?: ImageTrack,
): BootPlan<Names> {
  checkBootOptions(options);
  const names = selectServices(options.services ?? (serviceNames as Names[]));
  const images = imageChoice(options.images, env);
  const track = images === "auto" ? (decided ?? "upstream") : images;
  const services = new Map(
    names.map((name): [Names, ServicePlan] => [
      name,
      {
        name,
        image: resolveImage(specOf(name), track, env),
        environment: environmentOf(name, options.environment),
        hostPort: options.hostPorts?.[name],
        startupTimeoutMs: typeof options.startupTimeoutMs === "number" ? options.startupTimeoutMs : (options.startupTimeoutMs?.[name] ?? catalog[name].startupTimeoutMs),
        logDir: options.logDir ?? (env.STACK_HARNESS_LOG_DIR || undefined),
        publishAddress: options.publishAddress ?? (env[publishAddressVariable] || undefined),
        classArchive: Boolean(specOf(name).jvm) && (options.classArchives ?? env.STACK_HARNESS_CLASS_ARCHIVES !== "false"),
        proxied: options.faultProxy?.includes(name) ?? false,
      },
    ]),
  );
  const reuse = reuseRequested(options.reuse, env);
  return {
    names,
    services,
    images,
    track,
    settings: { ollamaModel: options.ollamaModel ?? env[ollamaModelVariable] ?? ollamaModels.chat[track] },
    seeds: seedsOf(names, options.seeds),
    reuse,
    faultProxy: faultProxyOf(names, options.faultProxy, reuse, track, env),
    signal: options.signal,
    onProgress: options.onProgress,
  };
}

/** The plan with `images: "auto"` decided on this engine by autoTrack(); a plan with a track stays as it is. */
export async function withDecidedTrack<Names extends ServiceName>(
  plan: BootPlan<Names>,
  options: BootOptions<Names>,
  engine: ContainerRuntimeClient,
  env: NodeJS.ProcessEnv = process.env,
): Promise<BootPlan<Names>> {
  if (plan.images !== "auto") return plan;
  return resolveBootPlan(options, env, await autoTrack(engine, plan.names.map((name) => resolveImage(specOf(name), "upstream", env))));
}

/** The seeds, each of a service this boot starts. */
function seedsOf(names: readonly ServiceName[], seeds: Seeds = {}): Seeds {
  const stray = Object.keys(seeds).find((name) => !names.includes(name as ServiceName));
  if (stray) refuse(`\`seeds.${stray}\``, "seeds a service this boot does not start", `add "${stray}" to \`services\`, or leave its seed out.`);
  return seeds;
}

/** The services behind the fault proxy, each booted; none for a reused stack, which would outlive the proxy's faults. */
function faultProxyOf<Names extends ServiceName>(names: readonly Names[], proxied: readonly Names[] = [], reuse: boolean, track: ImageTrack, env: NodeJS.ProcessEnv): BootPlan<Names>["faultProxy"] {
  if (proxied.length === 0) return undefined;
  const stray = proxied.find((name) => !names.includes(name));
  if (stray) refuse(`\`faultProxy\` names "${stray}", which`, "this boot does not start", `add "${stray}" to \`services\`, or leave it out of \`faultProxy\`.`);
  if (reuse) refuse("`faultProxy`", "cannot be given to a stack kept for reuse (a later run would meet this run's faults)", "boot without `reuse` (and without STACK_HARNESS_REUSE=true) to test faults.");
  return { image: resolveFaultProxyImage(track, env), services: [...new Set(proxied)] };
}

/** Whether boots keep their stack for the next run: the option, else STACK_HARNESS_REUSE=true. */
export function reuseRequested(option: boolean | undefined, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.TESTCONTAINERS_REUSE_ENABLE === "false") return false;
  return option ?? env.STACK_HARNESS_REUSE === "true";
}

/** The catalog's environment with the boot's overrides, refused early where the image would refuse it. */
function environmentOf(name: ServiceName, overrides: BootOptions["environment"]): Record<string, string> {
  const spec = specOf(name);
  const environment = { ...spec.environment, ...overrides?.[name] };
  const refusal = spec.checkEnvironment?.(environment);
  if (refusal) throw new StackError({ code: "invalid-environment", service: name, ...refusal });
  return environment;
}

// Every key of BootOptions: a new option missing here fails the type check.
const knownOptions = Object.keys({
  services: 0, images: 0, startupTimeoutMs: 0, onProgress: 0, ollamaModel: 0, signal: 0, reuse: 0, environment: 0, hostPorts: 0, logDir: 0, publishAddress: 0, seeds: 0, classArchives: 0, faultProxy: 0,
} satisfies Record<keyof BootOptions, 0>);

/** Refuses options of the wrong type or with unknown keys, naming the option and what it takes. */
function checkBootOptions(options: unknown): void {
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    refuse("the options", "must be an object", "call bootStack() or bootStack({ services: [...] }).");
  }
  const given = options as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!knownOptions.includes(key)) refuse(`\`${key}\``, "is not an option", `use one of: ${knownOptions.join(", ")}.`);
  }
  const { startupTimeoutMs, onProgress, ollamaModel, signal, reuse, environment, hostPorts, logDir, publishAddress, seeds, classArchives, faultProxy } = given;
  if (startupTimeoutMs !== undefined && !isPositive(startupTimeoutMs)) {
    perService("startupTimeoutMs", startupTimeoutMs, isPositive, "a number of milliseconds above 0", "{ startupTimeoutMs: 120_000 } or { startupTimeoutMs: { neo4j: 300_000 } }");
  }
  if (onProgress !== undefined && typeof onProgress !== "function") {
    refuse("`onProgress`", `must be a function, not ${describe(onProgress)}`, "pass (progress) => { ... }.");
  }
  if (ollamaModel !== undefined && (typeof ollamaModel !== "string" || ollamaModel.trim() === "")) {
    refuse("`ollamaModel`", `must be a model name, not ${describe(ollamaModel)}`, 'pass a name such as "all-minilm", or leave it out.');
  }
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    refuse("`signal`", `must be an AbortSignal, not ${describe(signal)}`, "pass controller.signal or AbortSignal.timeout(ms).");
  }
  if (reuse !== undefined && typeof reuse !== "boolean") {
    refuse("`reuse`", `must be true or false, not ${describe(reuse)}`, "pass reuse: true, or leave it out.");
  }
  if (classArchives !== undefined && typeof classArchives !== "boolean") {
    refuse("`classArchives`", `must be true or false, not ${describe(classArchives)}`, "pass classArchives: false, or leave it out.");
  }
  if (environment !== undefined) {
    perService("environment", environment, isStringRecord, "an object of string variables", '{ environment: { neo4j: { NEO4J_PLUGINS: \'["apoc"]\' } } }', true);
  }
  if (hostPorts !== undefined) {
    perService("hostPorts", hostPorts, isPort, "a port number from 1 to 65535", "{ hostPorts: { redis: 6379 } }", true);
  }
  if (logDir !== undefined && (typeof logDir !== "string" || logDir.trim() === "")) {
    refuse("`logDir`", `must be a directory path, not ${describe(logDir)}`, 'pass a path such as "reports/logs", or leave it out.');
  }
  if (publishAddress !== undefined && (typeof publishAddress !== "string" || isIP(publishAddress) === 0)) {
    refuse("`publishAddress`", `must be an IP address of the engine's host, not ${describe(publishAddress)}`, 'pass "127.0.0.1", or "0.0.0.0" for every address.');
  }
  if (seeds !== undefined) checkSeeds(seeds);
  if (faultProxy !== undefined) {
    const stray = Array.isArray(faultProxy) ? faultProxy.find((name) => !(serviceNames as readonly unknown[]).includes(name)) : undefined;
    if (!Array.isArray(faultProxy)) refuse("`faultProxy`", `must be a list of service names, not ${describe(faultProxy)}`, 'pass { faultProxy: ["redis"] }.');
    if (stray !== undefined) refuse(`\`faultProxy\` names ${describe(stray)}, which`, "is no service of the catalog", `use some of: ${serviceNames.join(", ")}.`);
  }
}

function checkSeeds(seeds: unknown): void {
  const seeded = serviceNames.filter((name) => specOf(name).seeding);
  const example = '{ seeds: { pgvector: { sql: ["seeds/schema.sql"] } } }';
  perService("seeds", seeds, () => true, "a seed", example, true);
  for (const [name, seed] of Object.entries(seeds as object)) {
    const seeding = specOf(name as ServiceName).seeding;
    if (!seeding) refuse(`\`seeds.${name}\``, "names a service that takes no seed", `seed only ${seeded.join(", ")}.`);
    const problem = seeding.check(seed);
    if (problem) throw new StackError({ code: "invalid-option", service: name, problem: `\`seeds.${name}\` ${problem}.`, fix: `pass ${seeding.shape}.` });
  }
}

function perService(option: string, value: unknown, valid: (entry: unknown) => boolean, wanted: string, example: string, onlyPerService = false): void {
  const fix = `pass ${example}.`;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    refuse(`\`${option}\``, `must be ${onlyPerService ? "" : `${wanted} or `}an object by service name, not ${describe(value)}`, fix);
  }
  for (const [service, entry] of Object.entries(value)) {
    if (!(serviceNames as readonly string[]).includes(service)) {
      refuse(`\`${option}.${service}\``, "names no service of the catalog", `use one of: ${serviceNames.join(", ")}.`);
    }
    if (!valid(entry)) refuse(`\`${option}.${service}\``, `must be ${wanted}, not ${describe(entry)}`, fix);
  }
}

function isPositive(value: unknown): boolean {
  return typeof value === "number" && Number.isFinite(value) && value > 0;
}

function isPort(value: unknown): boolean {
  return typeof value === "number" && Number.isInteger(value) && value >= 1 && value <= 65_535;
}

function isStringRecord(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value) && Object.values(value).every((entry) => typeof entry === "string");
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number") return String(value);
  if (typeof value === "object") return "an object";
  return `a ${typeof value}`;
}

function refuse(subject: string, problem: string, fix: string): never {
  throw new StackError({ code: "invalid-option", problem: `${subject} ${problem}.`, fix });
}
