/** Choices a boot makes that shape what the services hold, resolved once per boot. */
export interface StackSettings {
  /** The model Ollama pulls at boot (unless its volume has it already). */
  ollamaModel: string;
}

/** How a service's healthcheck runs, as in docker-compose.yml. */
export interface HealthCheckSpec {
  /** Shell command for a given host: `127.0.0.1` inside the container, the alias from a sibling. */
  command(host: string): string;
  intervalMs: number;
  timeoutMs: number;
  retries: number;
  startPeriodMs: number;
}

/** Where a client connects from this machine: the service URL, and the host port of any container port. */
export interface ClientTarget {
  url: string;
  host: string;
  /** The service's environment as booted (the catalog's, with the boot's overrides). */
  environment: Record<string, string>;
  mappedPort(containerPort: number): number;
}

/** A provisioning step as a shell script run in the service's container, reading settings from variables. */
export interface ProvisionScript {
  /** POSIX shell script; idempotent. */
  script: string;
  /** The variables the script reads, from the stack's settings. */
  environment(settings: StackSettings): Record<string, string>;
  /** What a non-zero exit means, and its fix, for the boot's error. */
  failure(settings: StackSettings, exitCode: number): { problem: string; fix: string };
}

/** One slice of the stack's data: the part a test worker has to itself. */
export interface SliceRef {
  /** Lower-case letters, digits and "_", e.g. "w3". */
  name: string;
  /** 1, 2, ... in the order the stack opened its slices; 0 stands for the stack's own data. */
  index: number;
}

/** The stack's own part of each service's data: what a caller without a slice reads and writes. */
export const stackPart: SliceRef = { name: "stack", index: 0 };

/** The name of the snapshot of the stack's own part taken right after its seeds, which every slice opens from. */
export const seedSnapshot = "seed";

/** What a service keeps between calls in the process holding the stack (Neo4j's snapshots). */
export type KeptData = Map<string, unknown>;

/**
 * How a stateful service keeps slices apart: each slice is reached through a few variables of
 * its own (a database name, a logical database, an index prefix) that the service's URL, client
 * and app variables read, while the container's environment stays the stack's. Every call runs
 * with the stack's own data as `target` (no slice variables), one call per service at a time.
 */
export interface Slicing {
  /** How the slices are kept apart, as the README says it. */
  method: string;
  /** How a snapshot is taken and restored, and what it holds, as the README says it. */
  snapshots: string;
  /**
   * A service with one part only (Neo4j Community's single user database): a slice leases it
   * whole, one slice at a time, and `open` resets it for each new holder.
   */
  exclusive?: boolean;
  /** Whether snapshots are kept in the process holding the stack (`kept`) rather than on the server: a reused stack is seeded again. */
  keptInProcess?: boolean;
  /** The variables that point URL, client and app variables at the slice. */
  variables(slice: SliceRef): Record<string, string>;
  /**
   * Makes the part hold what the stack's seed snapshot holds, or nothing when the stack has no
   * seed for the service; opening it again resets it.
   */
  open(target: ClientTarget, part: SliceRef, kept: KeptData, seeded: boolean): Promise<void>;
  /** Readies the part's next open in the background after each open (e.g. a spare copy). */
  prepare?(target: ClientTarget, part: SliceRef): Promise<void>;
  /** Keeps what the part holds as the snapshot `name`, replacing one of that name. */
  snapshot(target: ClientTarget, part: SliceRef, name: string, kept: KeptData): Promise<void>;
  /** Makes the part hold exactly what the snapshot `name` of the same part held; false when there is none. */
  restore(target: ClientTarget, part: SliceRef, name: string, kept: KeptData): Promise<boolean>;
  /** Closes what the calls keep open in `kept` (a connection), when the stack stops. */
  close?(kept: KeptData): Promise<void>;
}

/**
 * An app's seed data for a service, declared once per stack (BootOptions.seeds): applied to the
 * stack's own part after the boot, then kept as the seed snapshot that every slice starts from.
 */
export interface Seeding<Seed> {
  /** The shape of the seed, as the README and refusals say it. */
  shape: string;
  /** Refuses a seed of the wrong shape, or naming a file that is not there, before anything starts. */
  check(seed: unknown): string | undefined;
  /** The files the seed reads, whose changes make a reused stack a new one. */
  files(seed: Seed): string[];
  /** Applies the seed to the stack's own part; a failure names the file and the statement (seedFailure). */
  apply(target: ClientTarget, seed: Seed): Promise<void>;
}

/** The client a service hands out. */
export interface ClientFactory<Client> {
  connect(target: ClientTarget): Promise<Client>;
  close(client: Client): Promise<void>;
}

/**
 * A look-alike recipe, images/<recipe> (default: the service name), built from packages on a
 * Debian base for machines without a registry, and what it is against the upstream image: the
 * README's fidelity table, which specs/fidelity.spec.ts checks against the built image.
 */
export interface Lookalike {
  /** Services sharing a recipe share the image stack-harness/<recipe>:lookalike. */
  recipe?: string;
  base: "bookworm" | "trixie";
  /**
   * Services whose look-alike images this one's build uses as stages: built first and passed as
   * the build argument `<NAME>_IMAGE` (e.g. OLLAMA_IMAGE).
   */
  buildUses?: string[];
  /** The version of what it runs, as `versionCommand` prints it inside the image. */
  version: string;
  /** A shell command in the image whose output holds `version`. */
  versionCommand: string;
  /** Each way it differs from the upstream image. */
  differences: string[];
  /** What it keeps of the upstream contract. */
  alike: string;
}

/** One service of the stack, described once: everything else is derived from it. */
export interface ServiceSpec<Client = unknown, Seed = unknown> {
  /** Compose service name, DNS alias on the stack network and key in the catalog. */
  name: string;
  /** Pinned upstream image, the default. */
  upstreamImage: string;
  lookalike: Lookalike;
  /** The port clients use; the first one published. */
  port: number;
  /** Further container ports published to the host. */
  extraPorts?: number[];
  environment: Record<string, string>;
  /** For a service whose server is a JVM: where the harness adds its class-data archive (see BootOptions.classArchives). */
  jvm?: {
    /** The variable whose options reach the server JVM alone, not a launcher's or admin tool's JVM. */
    optionsVariable: string;
    /** The image's java command, which says the JVM's version. */
    java: string;
  };
  command?: string[];
  /** Directory kept on the service's named volume; none for a stateless service. */
  dataDir?: string;
  /**
   * Whether the volume outlives the stack as a cache for later boots, named
   * stack-harness-cache-<name> (removed by `stack-harness down`); else it goes with the stack.
   */
  keepData?: boolean;
  healthcheck: HealthCheckSpec;
  startupTimeoutMs: number;
  /** Container memory cap. */
  memoryMiB: number;
  /** Seconds a graceful stop may take before the engine kills the process. */
  stopTimeoutSeconds: number;
  dependsOn: string[];
  /** Tools the upstream image does not contain; healthchecks must not use them. */
  absentTools: string[];
  /** Host files or directories copied into the container before it starts. */
  files?: () => Promise<Array<{ source: string; target: string }>>;
  /**
   * Runs in the container once it is healthy, after every start, restart and recreate; in
   * docker-compose.yml as a post_start hook.
   */
  provisionScript?: ProvisionScript;
  /** The variables an app container on the stack network expects, from the in-network URL. */
  appEnvironment?: (url: string, environment: Record<string, string>) => Record<string, string>;
  /** Connection URL for a host and port (host endpoint or in-network endpoint), with the service's environment. */
  url(host: string, port: number, environment: Record<string, string>): string;
  /**
   * A way to make the running service unfit while it still answers, as shell commands run in its
   * container (each exits 0 only if it worked): a negative control a healthcheck must notice.
   */
  unfitWhileServing?: { description: string; spring: string; restore: string };
  /** Healthcheck commands known to mislead with this image, for `stack-harness check-compose`. */
  healthcheckPitfalls?: Array<{ matches(command: string): boolean; problem: string }>;
  /** How `stack-harness check-compose` reads a compose service that runs this image. */
  composeService?: {
    /** Whether its command starts the server (a sidecar may run `sleep` in the image); default: every command does. */
    runsServer?(command: readonly string[]): boolean;
    /** Variables the serving check needs with the file's settings, e.g. REDISCLI_AUTH for `--requirepass`. */
    checkVariables?(command: readonly string[], environment: Readonly<Record<string, string>>): Record<string, string>;
  };
  /** How the service's data is cut into slices, one per test worker; none for a service the slices share. */
  slicing?: Slicing;
  /** The seed data an app may declare for the service; none where it takes no seed. */
  seeding?: Seeding<Seed>;
  /** Refuses settings the image would reject at start, before anything starts. */
  checkEnvironment?: (environment: Record<string, string>) => { problem: string; fix: string } | undefined;
  client: ClientFactory<Client>;
}

/** Healthcheck timing of a service that is up in seconds. */
export const quickToStart = { intervalMs: 1_000, timeoutMs: 5_000, retries: 60, startPeriodMs: 0 };

/** Healthcheck timing of a JVM service, which may take minutes on a loaded 2-core machine. */
export const slowToStart = { intervalMs: 1_000, timeoutMs: 10_000, retries: 180, startPeriodMs: 0 };

/**
 * JVM option of the services whose JVMs boot in a test run: compile with C1 only. Boots need a
 * third less CPU, and the peak speed C2 would bring later does not matter to a test.
 */
export const quickJit = "-XX:TieredStopAtLevel=1";

/** An HTTP 200 check in bash alone (its /dev/tcp), for images without curl or wget. */
export function bashHttpCheck(host: string, port: number, path: string): string {
  return (
    `bash -c "exec 3<>/dev/tcp/${host}/${port} && ` +
    `printf 'GET ${path} HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -n1 <&3 | grep -q ' 200'"`
  );
}

export function defineService<Client, Seed = never>(spec: ServiceSpec<Client, Seed>): ServiceSpec<Client, Seed> {
  return spec;
}

/** A provisioning script as one shell command, its variables exported first. */
export function provisionCommand({ script, environment }: ProvisionScript, settings: StackSettings): string {
  const assignments = Object.entries(environment(settings)).map(([name, value]) => `${name}='${value.replaceAll("'", "'\\''")}'`);
  return assignments.length > 0 ? `export ${assignments.join(" ")}; ${script}` : script;
}
