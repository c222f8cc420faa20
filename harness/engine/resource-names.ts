import { randomBytes } from "node:crypto";
import { hostname } from "node:os";

// Names and labels of every container, network and volume the harness creates: one place, so
// that whatever created a resource and whatever removes it agree.

/** Labels on every container, network and volume the harness creates. */
export const harnessLabel = "stack-harness";
export const runLabel = "stack-harness.run";
export const serviceLabel = "stack-harness.service";
export const cacheLabel = "stack-harness.cache";
/** On the network of a run that ends with its process: `<hostname>:<pid>` of that process. */
export const ownerLabel = "stack-harness.owner";
/** On the containers of a stack kept for reuse: its reuse key. */
export const reuseLabel = "stack-harness.reuse";

/** A new run's ID: the `stack-harness.run` label of everything it creates. */
export function newRunId(): string {
  return randomBytes(4).toString("hex");
}

/** The run ID of the stack kept for reuse under this key. */
export function reuseRunId(key: string): string {
  return `reuse-${key}`;
}

/** The machine lock held while the stack of this reuse key is booted. */
export function reuseLockName(key: string): string {
  return `stack-harness-reuse-${key}`;
}

/** The run's private network. */
export function networkName(runId: string): string {
  return `stack-harness-${runId}`;
}

/** The container of a service (or another part, e.g. a check's) in the run. */
export function containerName(runId: string, part: string): string {
  return `${networkName(runId)}-${part}`;
}

/**
 * The name a service behind the fault proxy keeps on the stack network: the proxy answers at the
 * service's own name and forwards here.
 */
export function directAlias(service: string): string {
  return `${service}-direct`;
}

/** A volume that goes with the run. */
export function runVolumeName(runId: string, part: string): string {
  return `${networkName(runId)}-${part}`;
}

/** The volume that outlives its stacks as the service's cache, e.g. Ollama's pulled models. */
export function cacheVolumeName(service: string): string {
  return `stack-harness-cache-${service}`;
}

export function runLabels(runId: string): Record<string, string> {
  return { [harnessLabel]: "true", [runLabel]: runId };
}

/** Labels of a volume that outlives its stack as a cache (removed by `stack-harness down`). */
export function cacheLabels(service: string): Record<string, string> {
  return { [harnessLabel]: "true", [cacheLabel]: service };
}

/** The owner label of a run that ends with this process. */
export function ownedByThisProcess(): Record<string, string> {
  return { [ownerLabel]: `${hostname()}:${process.pid}` };
}

/** The host and process ID an owner label names. */
export function ownerOf(labels: Record<string, string> | undefined): { host: string; pid: number } {
  const owner = labels?.[ownerLabel] ?? "";
  const colon = owner.lastIndexOf(":");
  return { host: owner.slice(0, colon), pid: Number(owner.slice(colon + 1)) };
}
