import type { ServiceName } from "../harness/catalog/catalog.ts";
import type { Timeline } from "./contenders.ts";

const rowHeight = 26;
const labelWidth = 130;
const plotWidth = 640;
const top = 40;

/** A Gantt picture of one boot: per service, container start to running (grey) and waiting for health (blue). */
export function timelineSvg(timeline: Timeline, totalMs: number, title: string): string {
  const rows = (Object.entries(timeline) as Array<[ServiceName, NonNullable<Timeline[ServiceName]>]>).sort(
    ([, a], [, b]) => (a.healthy ?? totalMs) - (b.healthy ?? totalMs),
  );
  const scale = plotWidth / totalMs;
  const x = (ms: number) => labelWidth + ms * scale;
  const height = top + rows.length * rowHeight + 40;
  const seconds = Array.from({ length: Math.floor(totalMs / 1000) + 1 }, (_, s) => s).filter((s) => s % (totalMs > 20_000 ? 5 : 2) === 0);
  const ticks = seconds
    .map((s) => `<line x1="${x(s * 1000)}" y1="${top - 6}" x2="${x(s * 1000)}" y2="${height - 30}" stroke="#ddd"/><text x="${x(s * 1000)}" y="${height - 14}" text-anchor="middle">${s} s</text>`)
    .join("");
  const bars = rows
    .map(([name, phases], index) => {
      const y = top + index * rowHeight;
      const start = phases.starting ?? 0;
      const waiting = phases.waiting ?? start;
      const healthy = phases.healthy ?? totalMs;
      return (
        `<text x="${labelWidth - 8}" y="${y + 15}" text-anchor="end">${name}</text>` +
        `<rect x="${x(start)}" y="${y + 3}" width="${Math.max(1, (waiting - start) * scale)}" height="16" fill="#bbb"/>` +
        `<rect x="${x(waiting)}" y="${y + 3}" width="${Math.max(1, (healthy - waiting) * scale)}" height="16" fill="#4a7fd4"/>` +
        `<text x="${x(healthy) + 6}" y="${y + 15}">${(healthy / 1000).toFixed(1)} s</text>`
      );
    })
    .join("");
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${labelWidth + plotWidth + 70}" height="${height}" font-family="sans-serif" font-size="12">` +
    `<rect width="100%" height="100%" fill="white"/>` +
    `<text x="10" y="20" font-size="14" font-weight="bold">${title}</text>` +
    `${ticks}${bars}` +
    `<line x1="${x(totalMs)}" y1="${top - 6}" x2="${x(totalMs)}" y2="${height - 30}" stroke="#c33" stroke-dasharray="4 3"/>` +
    `</svg>\n`
  );
}
