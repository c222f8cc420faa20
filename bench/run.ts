// `npm run bench`: boot times of bootStack() against `docker compose up --wait`, each service
// alone, warm boots with reuse, per-service time to healthy and memory, the JVM services with and
// without their class-data archive, the reset of a slice to a seed of 1,000 items per service, and
// a slice's snapshot and restore. Writes reports/bench.json and reports/bench-timeline.svg.
// BENCH_ROUNDS sets the repetitions (default 3); BENCH_ONLY=resets measures the slice resets,
// snapshots and restores alone, BENCH_ONLY=class-archives the class-data archives alone,
// BENCH_ONLY=first-starts each store's first start against a start on the store it made,
// BENCH_ONLY=idle the machine's CPU while a healthy stack sits unused, BENCH_ONLY=fault-proxy what
// the fault proxy costs a boot and a round trip.
import { mkdir, writeFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { serviceNames, type ServiceName } from "../harness/catalog/catalog.ts";
import { writeComposeFile } from "../harness/compose/generate.ts";
import { classArchiveTimes } from "./class-archives.ts";
import { faultProxyCost, type ProxiedBoot } from "./fault-proxy.ts";
import { firstStartTimes } from "./first-starts.ts";
import { idleStackCpu } from "./idle-stack.ts";
import { composeColdBoot, harnessColdBoot, singleBoot, warmBoots, type HarnessBoot } from "./contenders.ts";
import { sliceDataTimes } from "./slice-data.ts";
import { median, round, type ServiceStart } from "./stats.ts";
import { timelineSvg } from "./timeline-svg.ts";

const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const only = process.env.BENCH_ONLY;
const reports = fileURLToPath(new URL("../reports/", import.meta.url));
const composeFile = fileURLToPath(new URL("../docker-compose.yml", import.meta.url));
const seconds = (ms: number) => round(ms / 1000);
const machine = { cores: availableParallelism(), images: process.env.STACK_HARNESS_IMAGES ?? "upstream", rounds };
const timesOf = (ms: number[]) => ({ milliseconds: ms.map((value) => round(value, 1)), medianMilliseconds: round(median(ms), 1) });

/** Writes reports/bench.json and ends, for a BENCH_ONLY run. */
async function writeOnly(report: object): Promise<never> {
  await mkdir(reports, { recursive: true });
  await writeFile(`${reports}bench.json`, `${JSON.stringify({ machine, ...report }, null, 2)}\n`);
  console.log("Wrote reports/bench.json");
  process.exit(0);
}

const summary = (starts: ServiceStart[]) => ({
  healthySeconds: starts.map((start) => seconds(start.healthyMs)),
  cpuSeconds: starts.map((start) => round(start.cpuSeconds)),
  medianHealthySeconds: seconds(median(starts.map((start) => start.healthyMs))),
  medianCpuSeconds: round(median(starts.map((start) => start.cpuSeconds))),
});

async function classArchiveReport() {
  const times = await classArchiveTimes(rounds);
  const report = Object.fromEntries(Object.entries(times).map(([name, boots]) => [name, { with: summary(boots.with), without: summary(boots.without) }]));
  for (const [name, { with: on, without: off }] of Object.entries(report)) {
    console.log(`${name} alone, class-data archive with / without: healthy ${on.medianHealthySeconds} / ${off.medianHealthySeconds} s, CPU ${on.medianCpuSeconds} / ${off.medianCpuSeconds} s (medians)`);
  }
  return report;
}

if (only === "class-archives") await writeOnly({ classArchives: await classArchiveReport() });

async function firstStartReport() {
  const times = await firstStartTimes(rounds);
  const report = Object.fromEntries(Object.entries(times).map(([name, starts]) => [name, { first: summary(starts.first), initialised: summary(starts.initialised) }]));
  for (const [name, { first, initialised }] of Object.entries(report)) {
    console.log(`${name} first start / on its initialised store: healthy ${first.medianHealthySeconds} / ${initialised.medianHealthySeconds} s, CPU ${first.medianCpuSeconds} / ${initialised.medianCpuSeconds} s (medians)`);
  }
  return report;
}

if (only === "first-starts") await writeOnly({ firstStarts: await firstStartReport() });

async function idleReport() {
  const perMinute = await idleStackCpu(rounds);
  const report = { cpuSecondsPerMinute: perMinute.map((value) => round(value)), medianCpuSecondsPerMinute: round(median(perMinute)) };
  console.log(`machine CPU while the whole stack sits healthy and unused: ${report.medianCpuSecondsPerMinute} s per minute (median)`);
  return report;
}

if (only === "idle") await writeOnly({ idleStack: await idleReport() });

async function faultProxyReport() {
  const boots = await faultProxyCost(rounds);
  const of = (list: ProxiedBoot[]) => ({
    bootSeconds: list.map((boot) => seconds(boot.bootMs)),
    medianBootSeconds: seconds(median(list.map((boot) => boot.bootMs))),
    medianRedisPingMilliseconds: round(median(list.map((boot) => boot.redisPingMs)), 2),
    medianElasticsearchInfoMilliseconds: round(median(list.map((boot) => boot.elasticsearchInfoMs)), 2),
  });
  const report = { without: of(boots.without), with: of(boots.with) };
  const { without: off, with: on } = report;
  console.log(
    `redis + elasticsearch without / with the fault proxy: boot ${off.medianBootSeconds} / ${on.medianBootSeconds} s, ` +
      `redis PING ${off.medianRedisPingMilliseconds} / ${on.medianRedisPingMilliseconds} ms, elasticsearch info() ${off.medianElasticsearchInfoMilliseconds} / ${on.medianElasticsearchInfoMilliseconds} ms (medians)`,
  );
  return report;
}

if (only === "fault-proxy") await writeOnly({ faultProxy: await faultProxyReport() });

const sliceData = await sliceDataTimes(Math.max(rounds, 5));
const resetReport = Object.fromEntries(Object.entries(sliceData.resets).map(([name, ms]) => [name, timesOf(ms)]));
const snapshotReport = { resetAll: timesOf(sliceData.resetAll), snapshot: timesOf(sliceData.snapshot), restore: timesOf(sliceData.restore) };
for (const [name, { medianMilliseconds }] of Object.entries(resetReport)) console.log(`reset of a slice to a seed of 1,000 items, ${name}: ${medianMilliseconds} ms (median)`);
console.log(
  `whole slice (5 services, 1,000 items each): reset ${snapshotReport.resetAll.medianMilliseconds} ms, snapshot ${snapshotReport.snapshot.medianMilliseconds} ms, restore ${snapshotReport.restore.medianMilliseconds} ms (medians)`,
);
if (only === "resets") await writeOnly({ machine: { ...machine, rounds: Math.max(rounds, 5) }, sliceResetToSeedOf1000: resetReport, sliceSnapshotOf1000: snapshotReport });

const classArchives = await classArchiveReport();
const firstStarts = await firstStartReport();
const idleStack = await idleReport();
const faultProxy = await faultProxyReport();

await writeComposeFile(composeFile);

const harness: HarnessBoot[] = [];
const compose: number[] = [];
for (let index = 0; index < rounds; index++) {
  // Interleaved, and each contender goes first in turn.
  const pair = index % 2 === 0 ? ["harness", "compose"] : ["compose", "harness"];
  for (const contender of pair) {
    if (contender === "harness") harness.push(await harnessColdBoot());
    else compose.push(await composeColdBoot(composeFile));
    console.log(`round ${index + 1}: ${contender} ${seconds(contender === "harness" ? harness.at(-1)!.ms : compose.at(-1)!)} s`);
  }
}

const single = {} as Record<ServiceName, number[]>;
for (let index = 0; index < rounds; index++) {
  for (const name of serviceNames) (single[name] ??= []).push(await singleBoot(name));
}
const singleMedians = Object.fromEntries(serviceNames.map((name) => [name, median(single[name])])) as Record<ServiceName, number>;
const slowest = serviceNames.reduce((a, b) => (singleMedians[a] >= singleMedians[b] ? a : b));

const warm = await warmBoots(rounds);

const harnessMs = harness.map((boot) => boot.ms);
const pairRatios = harnessMs.map((ms, index) => ms / compose[index]!);
const typical = harness.reduce((a, b) => (Math.abs(a.ms - median(harnessMs)) <= Math.abs(b.ms - median(harnessMs)) ? a : b));
const memoryMiB = Object.fromEntries(
  serviceNames.map((name) => [name, round(median(harness.map((boot) => boot.memoryMiB[name] ?? 0)), 1)]),
) as Record<ServiceName, number>;
const timeToHealthy = Object.fromEntries(
  serviceNames.map((name) => [name, seconds(median(harness.map((boot) => boot.timeline[name]?.healthy ?? boot.ms)))]),
);

const cores = machine.cores;
const containerCpu = Object.fromEntries(
  serviceNames.map((name) => [name, round(median(harness.map((boot) => boot.containerCpuSeconds[name] ?? 0)))]),
) as Record<ServiceName, number>;
const machineCpuSeconds = median(harness.map((boot) => boot.machineCpuMs)) / 1000;

const report = {
  machine,
  coldBoot: {
    harnessSeconds: harnessMs.map(seconds),
    composeSeconds: compose.map(seconds),
    harnessMedianSeconds: seconds(median(harnessMs)),
    composeMedianSeconds: seconds(median(compose)),
    ratioToCompose: round(median(pairRatios), 3),
  },
  bound: {
    singleServiceSeconds: Object.fromEntries(serviceNames.map((name) => [name, single[name].map(seconds)])),
    slowestService: slowest,
    slowestMedianSeconds: seconds(singleMedians[slowest]),
    ratioToSlowest: round(median(harnessMs) / singleMedians[slowest], 3),
  },
  warmBoot: { seconds: warm.map(seconds), medianSeconds: seconds(median(warm)) },
  sliceResetToSeedOf1000: resetReport,
  sliceSnapshotOf1000: snapshotReport,
  classArchives,
  firstStarts,
  idleStack,
  faultProxy,
  timeToHealthySeconds: timeToHealthy,
  memoryAfterBootMiB: { ...memoryMiB, total: round(Object.values(memoryMiB).reduce((sum, mib) => sum + mib, 0), 1) },
  harnessCpuSecondsDuringBoot: seconds(median(harness.map((boot) => boot.harnessCpuMs))),
  cpuDuringBoot: {
    containerSeconds: { ...containerCpu, total: round(Object.values(containerCpu).reduce((sum, cpu) => sum + cpu, 0)) },
    machineBusySeconds: round(machineCpuSeconds),
    // The machine's busy CPU spread over every core: no order of the same work ends sooner.
    cpuBoundSeconds: round(machineCpuSeconds / cores),
    cpuBoundRatioToSlowest: round(machineCpuSeconds / cores / (singleMedians[slowest] / 1000), 3),
  },
};

await mkdir(reports, { recursive: true });
await writeFile(`${reports}bench.json`, `${JSON.stringify(report, null, 2)}\n`);
await writeFile(
  `${reports}bench-timeline.svg`,
  timelineSvg(typical.timeline, typical.ms, `bootStack() cold boot, ${report.machine.cores} cores: ${seconds(typical.ms)} s (grey: container start, blue: waiting for health)`),
);

const rows: Array<[string, string]> = [
  ["full stack, bootStack() (median)", `${report.coldBoot.harnessMedianSeconds} s`],
  ["full stack, docker compose up --wait (median)", `${report.coldBoot.composeMedianSeconds} s`],
  ["bootStack / compose (median of pairs)", `${report.coldBoot.ratioToCompose}x`],
  [`slowest service alone (${slowest}, median)`, `${report.bound.slowestMedianSeconds} s`],
  ["bootStack / slowest alone", `${report.bound.ratioToSlowest}x`],
  ["warm boot with reuse (median)", `${report.warmBoot.medianSeconds} s`],
  ["memory after boot (total)", `${report.memoryAfterBootMiB.total} MiB`],
  ["harness CPU during a boot", `${report.harnessCpuSecondsDuringBoot} s`],
  ["machine CPU during a boot (containers, engine, harness)", `${report.cpuDuringBoot.machineBusySeconds} s`],
  [`that CPU over ${cores} cores / slowest alone`, `${report.cpuDuringBoot.cpuBoundRatioToSlowest}x`],
];
const width = Math.max(...rows.map(([label]) => label.length));
for (const [label, value] of rows) console.log(`${label.padEnd(width)}  ${value}`);
console.log("Wrote reports/bench.json and reports/bench-timeline.svg");
process.exit(0);
