import type { ServiceSpec } from "../catalog/service-spec.ts";
import { StackError } from "../errors.ts";
import { logDetails } from "./container-logs.ts";
import { HealthWaitFailure } from "./health-wait.ts";
import { portAttempts } from "./published-ports.ts";

/** A host port the engine could not publish a container port on, and who chose it: the `hostPorts` option, the harness at the first start, or the stack, which keeps it. */
export interface TakenPort {
  containerPort: number;
  hostPort: number;
  by: "option" | "harness" | "stack";
}

/** Why a service's container did not start or become healthy, with its fix and last log lines. */
export function startFailure(spec: ServiceSpec, placement: { image: string; startupTimeoutMs: number }, error: unknown, taken?: TakenPort): StackError {
  if (error instanceof StackError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const checkSettings = `read the log lines below and check the image ${placement.image} and the settings given to "${spec.name}".`;
  const failure = (code: StackError["code"], problem: string, fix: string) =>
    new StackError({
      code,
      service: spec.name,
      problem,
      fix,
      details: logDetails(spec.name, error instanceof HealthWaitFailure ? error.lastLogs : ""),
      cause: error,
    });
  if (error instanceof HealthWaitFailure) {
    if (error.reason === "timeout") {
      return failure(
        "startup-timeout",
        `did not become healthy within ${placement.startupTimeoutMs / 1000} s (${message}).`,
        `read the log lines below; if the service is only slow here, raise startupTimeoutMs for "${spec.name}".`,
      );
    }
    return failure(error.reason === "exited" ? "exited-during-boot" : "unhealthy", `${message}.`, checkSettings);
  }
  if (taken) {
    const { hostPort, containerPort, by } = taken;
    const fixes = {
      option: `stop what listens on port ${hostPort}, or choose another port in hostPorts.${spec.name}, or leave it out for a free port.`,
      harness: `boot again: the harness chooses other free ports (something took the ones it chose, ${portAttempts} times in a row).`,
      stack: `stop what listens on port ${hostPort}: the stack published "${spec.name}" there at its boot and keeps the port for its life; or boot a new stack.`,
    };
    return failure("host-port-taken", `host port ${hostPort} is already taken, so the container cannot publish port ${containerPort} on it.`, fixes[by]);
  }
  return failure("start-failed", `failed to start (${message}).`, checkSettings);
}
