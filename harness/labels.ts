/** Labels on every container, network and volume the harness creates. */
export const harnessLabel = "stack-harness";
export const runLabel = "stack-harness.run";
export const serviceLabel = "stack-harness.service";
export const cacheLabel = "stack-harness.cache";
/** On the network of a run that ends with its process: `<hostname>:<pid>` of that process. */
export const ownerLabel = "stack-harness.owner";
/** On the containers of a stack kept for reuse: its reuse key. */
export const reuseLabel = "stack-harness.reuse";

export function runLabels(runId: string): Record<string, string> {
  return { [harnessLabel]: "true", [runLabel]: runId };
}

/** The volume that outlives its stacks as the service's cache, e.g. Ollama's pulled models. */
export function cacheVolumeName(service: string): string {
  return `stack-harness-cache-${service}`;
}

/** Labels of a volume that outlives its stack as a cache (removed by `stack-harness down`). */
export function cacheLabels(service: string): Record<string, string> {
  return { [harnessLabel]: "true", [cacheLabel]: service };
}
