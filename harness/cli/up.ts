import { bootStack } from "../boot/boot-stack.ts";
import type { BootPhase } from "../boot/options.ts";
import type { ServiceName } from "../catalog/catalog.ts";
import type { Stack } from "../stack.ts";

const phaseText: Record<BootPhase, string> = {
  pulling: "pulling the image",
  starting: "starting",
  waiting: "waiting for health",
  healthy: "healthy",
  failed: "failed",
};

/** `stack-harness up`: boots the stack, prints its endpoints, and removes it on Ctrl-C. */
export async function up(services: ServiceName[]): Promise<void> {
  const stopRequested = new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  const interrupt = new AbortController();
  void stopRequested.then(() => interrupt.abort());
  const stack = await bootStack({
    ...(services.length > 0 ? { services } : {}),
    signal: interrupt.signal,
    onProgress: ({ service, phase, elapsedMs }) => console.log(`${seconds(elapsedMs).padStart(7)}  ${service.padEnd(14)} ${phaseText[phase]}`),
  });
  printEndpoints(stack);
  console.log("\nUp. Press Ctrl-C to stop and remove everything.");
  const keepAlive = setInterval(() => {}, 60_000);
  await stopRequested;
  clearInterval(keepAlive);
  console.log("Stopping...");
  await stack.stop();
  console.log("Removed the containers, the network and the volumes.");
}

function printEndpoints(stack: Stack): void {
  const rows = stack.services.map((name) => [name, stack.hostEndpoint(name).url, stack.networkEndpoint(name).url]);
  const header = ["service", "from this machine", `in network ${stack.network}`];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  for (const row of [header, ...rows]) console.log(row.map((cell, column) => cell.padEnd(widths[column]!)).join("  "));
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
