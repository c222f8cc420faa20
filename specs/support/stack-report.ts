import { mkdir, writeFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { basename, relative } from "node:path";
import type { Reporter, TestModule } from "vitest/node";
import { serviceNames, specOf, type ServiceName } from "../../harness/catalog/catalog.ts";
import { machineBusyMs } from "../../harness/common/machine-cpu.ts";
import { resolveImage, type ImageTrack } from "../../harness/images/track.ts";

export const properties = ["connectivity", "persistence", "healthcheck", "dns"] as const;
type Property = (typeof properties)[number];
type Outcome = "passed" | "failed" | "missing";

export interface StackReport {
  services: Record<ServiceName, Record<Property, Outcome>>;
  bootMs: Partial<Record<ServiceName, number>>;
  /** The largest sum of container RSS measured right after a boot, in MiB. */
  stackMemoryMiB?: number;
  /** The image track of the stacks booted. */
  track?: ImageTrack;
  /** What the run cost this machine: the floor for any order of the same work is its busy CPU over its cores. */
  run?: RunCost;
}

export interface RunCost {
  seconds: number;
  machineBusyCpuSeconds: number;
  cores: number;
  /** Every file's duration and the machine's busy CPU while it ran, the slowest first (files that overlap share that CPU). */
  files: Record<string, { seconds: number; machineBusyCpuSeconds: number }>;
}

/**
 * Writes reports/stack-report.json and prints it as a table: per catalog service and property
 * (the spec file's name), passed, failed or missing (no test ran), and the slowest boot to healthy.
 * The same table, with the image each service ran, goes to reports/stack-report.md (for CI job summaries).
 */
export default class StackReportReporter implements Reporter {
  private started = { at: Date.now(), busyMs: machineBusyMs() };
  private readonly busyAtFileStart = new Map<string, number>();
  private readonly fileBusyMs = new Map<string, number>();

  onTestRunStart(): void {
    this.started = { at: Date.now(), busyMs: machineBusyMs() };
  }

  onTestModuleStart(module: TestModule): void {
    this.busyAtFileStart.set(module.moduleId, machineBusyMs());
  }

  onTestModuleEnd(module: TestModule): void {
    const busy = machineBusyMs();
    this.fileBusyMs.set(module.moduleId, busy - (this.busyAtFileStart.get(module.moduleId) ?? busy));
  }

  async onTestRunEnd(modules: ReadonlyArray<TestModule>): Promise<void> {
    const report = { ...buildReport(modules), run: runCost(modules, this.started, this.fileBusyMs) };
    await mkdir("reports", { recursive: true });
    await writeFile("reports/stack-report.json", `${JSON.stringify(report, null, 2)}\n`);
    await writeFile("reports/stack-report.md", markdownTable(report));
    printTable(report);
    console.log(costLine(report.run));
    console.log(closingLine(modules));
  }
}

function runCost(modules: ReadonlyArray<TestModule>, started: { at: number; busyMs: number }, fileBusyMs: Map<string, number>): RunCost {
  const seconds = (ms: number) => Math.round(ms / 100) / 10;
  const files = modules
    .map((module) => ({ file: relative(process.cwd(), module.moduleId), seconds: seconds(module.diagnostic().duration), machineBusyCpuSeconds: seconds(fileBusyMs.get(module.moduleId) ?? 0) }))
    .sort((a, b) => b.seconds - a.seconds);
  return {
    seconds: seconds(Date.now() - started.at),
    machineBusyCpuSeconds: seconds(machineBusyMs() - started.busyMs),
    cores: availableParallelism(),
    files: Object.fromEntries(files.map(({ file, ...cost }) => [file, cost])),
  };
}

function costLine({ seconds, machineBusyCpuSeconds, cores, files }: RunCost): string {
  const floor = Math.round(machineBusyCpuSeconds / cores);
  const slowest = Object.entries(files)
    .slice(0, 10)
    .map(([file, cost]) => `  ${file}: ${cost.seconds} s, machine busy CPU ${cost.machineBusyCpuSeconds} s`);
  return [`Run: ${seconds} s; machine busy CPU ${machineBusyCpuSeconds} s on ${cores} cores (no order of this work ends before ${floor} s)`, "Slowest files:", ...slowest].join("\n");
}

/** The plain `Tests: N passed, N failed, N skipped` line; a file that failed outside its tests counts as one failure. */
function closingLine(modules: ReadonlyArray<TestModule>): string {
  const states = modules.flatMap((module) => [...module.children.allTests()].map((test) => test.result().state));
  const count = (state: string) => states.filter((s) => s === state).length;
  const broken = modules.filter(failedOutsideTests).length;
  return `Tests: ${count("passed")} passed, ${count("failed") + broken} failed, ${count("skipped")} skipped`;
}

export function buildReport(modules: ReadonlyArray<TestModule>): StackReport {
  const services = Object.fromEntries(
    serviceNames.map((name) => [name, Object.fromEntries(properties.map((property) => [property, "missing"]))]),
  ) as StackReport["services"];
  const bootMs: StackReport["bootMs"] = {};
  let memoryBytes: number | undefined;
  let track: ImageTrack | undefined;
  for (const module of modules) {
    track ??= module.meta().track;
    const measured = module.meta().memoryBytes;
    if (measured !== undefined) memoryBytes = Math.max(memoryBytes ?? 0, measured);
    for (const [name, ms] of Object.entries(module.meta().bootMs ?? {}) as [ServiceName, number][]) {
      bootMs[name] = Math.max(bootMs[name] ?? 0, ms);
    }
    const property = basename(module.moduleId).replace(/\.spec\.ts$/, "") as Property;
    if (!properties.includes(property)) continue;
    const brokenOutsideTests = failedOutsideTests(module);
    for (const suite of module.children.suites()) {
      const name = suite.name as ServiceName;
      if (!(name in services)) continue;
      const states = [...suite.children.allTests()].map((test) => test.result().state);
      const failed = states.includes("failed") || suite.state() === "failed" || brokenOutsideTests;
      const passed = states.length > 0 && states.every((state) => state === "passed");
      services[name][property] = failed ? "failed" : passed ? "passed" : services[name][property];
    }
  }
  return {
    services,
    bootMs,
    ...(track === undefined ? {} : { track }),
    ...(memoryBytes === undefined ? {} : { stackMemoryMiB: Math.round(memoryBytes / 2 ** 20) }),
  };
}

/** A file that failed although none of its tests did: its boot (beforeAll) or teardown failed. */
function failedOutsideTests(module: TestModule): boolean {
  return module.state() === "failed" && ![...module.children.allTests()].some((test) => test.result().state === "failed");
}

function tableRows(report: StackReport): string[][] {
  return serviceNames.map((name) => [
    name,
    ...properties.map((property) => report.services[name][property]),
    report.bootMs[name] === undefined ? "-" : `${(report.bootMs[name]! / 1000).toFixed(1)} s`,
  ]);
}

function memoryLine(report: StackReport): string {
  return report.stackMemoryMiB === undefined ? "" : `Stack memory after boot (sum of container RSS): ${report.stackMemoryMiB} MiB\n`;
}

/** The report as a Markdown table, with the image each service ran (on the report's track; `env` gives overrides). */
export function markdownTable(report: StackReport, env: NodeJS.ProcessEnv = process.env): string {
  const track = report.track ?? "upstream";
  const header = ["service", ...properties, "boot to healthy", "image"];
  const rows = tableRows(report).map((row, index) => [...row, `\`${resolveImage(specOf(serviceNames[index]!), track, env)}\``]);
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  const table = [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
  const memory = memoryLine(report);
  return `### Stack report\n\n${table}\n${memory ? `\n${memory}` : ""}`;
}

function printTable(report: StackReport): void {
  const header = ["service", ...properties, "boot to healthy"];
  const rows = tableRows(report);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column]!)).join("  ");
  const memory = memoryLine(report);
  console.log(`\nStack report (reports/stack-report.json)\n${line(header)}\n${rows.map(line).join("\n")}\n${memory}`);
}
