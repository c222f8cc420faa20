/** Labels on every container, network and volume the harness creates. */
export const harnessLabel = "stack-harness";
export const runLabel = "stack-harness.run";
export const serviceLabel = "stack-harness.service";

export function runLabels(runId: string): Record<string, string> {
  return { [harnessLabel]: "true", [runLabel]: runId };
}
