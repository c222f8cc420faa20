import type { ServiceSpec } from "../catalog/service-spec.ts";
import { StackError } from "../errors.ts";
import { logDetails } from "./container-logs.ts";
import { HealthWaitFailure } from "./health-wait.ts";

/** Why a service's container did not start or become healthy, with its fix and last log lines. */
export function startFailure(spec: ServiceSpec, placement: { image: string; startupTimeoutMs: number; hostPort: number | undefined }, error: unknown): StackError {
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
  if (placement.hostPort && /port is already allocated|address already in use/i.test(message)) {
    return failure(
      "host-port-taken",
      `host port ${placement.hostPort} is already taken, so the container cannot publish port ${spec.port} on it.`,
      `stop what listens on port ${placement.hostPort}, or choose another port in hostPorts.${spec.name}, or leave it out for a free port.`,
    );
  }
  return failure("start-failed", `failed to start (${message}).`, checkSettings);
}
