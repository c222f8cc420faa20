/**
 * What kind of failure a StackError is: stable across releases, so callers and specs match the
 * code while the message stays free to explain.
 */
export type StackErrorCode =
  /** A boot option, or the variable that sets its default, has the wrong type, value or key. */
  | "invalid-option"
  /** A service name that the catalog does not know. */
  | "unknown-service"
  /** A service named twice in `services`. */
  | "duplicate-service"
  /** A service asked for without a service it depends on. */
  | "missing-dependency"
  /** A service's environment that its image would refuse at start. */
  | "invalid-environment"
  /** More slices than a service has room for. */
  | "too-many-slices"
  /** A slice name that is not lower-case letters, digits and "_". */
  | "invalid-slice"
  /** A service that could not make or empty a slice. */
  | "slice-failed"
  /** A seed (BootOptions.seeds) that a service refused: the file and the statement are named. */
  | "seed-failed"
  /** A snapshot restored that was never taken. */
  | "no-snapshot"
  /** A service a slice holds the lease of, asked of the stack's own data meanwhile. */
  | "leased"
  /** A test that asked for its worker's slice where the preset gives none. */
  | "no-slice"
  /** A stack member asked of a service the stack does not hold. */
  | "not-in-stack"
  /** A service whose container is not running (not booted yet, or being recreated). */
  | "not-running"
  /** A network fault asked of a service that was not booted behind the fault proxy (BootOptions.faultProxy). */
  | "not-proxied"
  /** The fault proxy refused a request or did not start. */
  | "fault-proxy-failed"
  /** No Docker engine answered. */
  | "engine-unreachable"
  /** testcontainers' Ryuk reaper container did not start. */
  | "ryuk-failed"
  /** An image that is not on the engine and could not be pulled. */
  | "image-pull-failed"
  /** A look-alike image build that failed, or a build tool that is missing. */
  | "image-build-failed"
  /** A service's container did not start. */
  | "start-failed"
  /** A fixed host port that something else holds. */
  | "host-port-taken"
  /** A container that exited before it became healthy. */
  | "exited-during-boot"
  /** A healthcheck that failed every retry. */
  | "unhealthy"
  /** A service that did not become healthy within its startup timeout. */
  | "startup-timeout"
  /** A provisioning step (e.g. Ollama's model pull) that failed. */
  | "provision-failed"
  /** A service that stopped after the boot without being asked to. */
  | "died"
  /** A boot aborted through its signal. */
  | "interrupted"
  /** A lock shared by the processes of this machine that another process held too long. */
  | "lock-timeout"
  /** A compose file that cannot be read or holds no services. */
  | "invalid-compose-file"
  /** A registry that did not list an image's tags, or a tag without a version. */
  | "tag-lookup-failed"
  /** Command-line arguments the CLI does not take. */
  | "invalid-arguments";

/** A failure of the harness, worded as: which service, what went wrong, how to fix it. */
export class StackError extends Error {
  readonly code: StackErrorCode;
  readonly service: string | undefined;
  readonly problem: string;
  readonly fix: string;
  readonly details: string | undefined;

  constructor(options: { code: StackErrorCode; service?: string; problem: string; fix: string; details?: string; cause?: unknown }) {
    const subject = options.service ? `${options.service}: ` : "";
    const details = options.details ? `\n${options.details}` : "";
    super(`[stack-harness] ${subject}${options.problem}\nFix: ${options.fix}${details}`, { cause: options.cause });
    this.name = "StackError";
    this.code = options.code;
    this.service = options.service;
    this.problem = options.problem;
    this.fix = options.fix;
    this.details = options.details;
  }
}
