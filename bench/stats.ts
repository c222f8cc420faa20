export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** A service's start: to healthy, and the CPU its container used until then. */
export interface ServiceStart {
  /** Milliseconds from the container's start to healthy. */
  healthyMs: number;
  /** CPU seconds the container used until it was healthy (just after). */
  cpuSeconds: number;
}
