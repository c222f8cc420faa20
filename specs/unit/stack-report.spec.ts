import { describe, expect, it } from "vitest";
import { serviceNames } from "../../harness/catalog/catalog.ts";
import { markdownTable, properties, type StackReport } from "../support/stack-report.ts";

const report: StackReport = {
  services: Object.fromEntries(
    serviceNames.map((name) => [name, Object.fromEntries(properties.map((property) => [property, name === "redis" ? "passed" : "missing"]))]),
  ) as StackReport["services"],
  bootMs: { redis: 3_210 },
  stackMemoryMiB: 5,
};

describe("the Markdown stack report", () => {
  it("has a row per catalog service with its outcomes, boot time and image", () => {
    const lines = markdownTable(report, { STACK_HARNESS_IMAGE_REDIS: "redis:7.6.2-alpine" }).split("\n");
    expect(lines.slice(0, 4)).toEqual([
      "### Stack report",
      "",
      "| service | connectivity | persistence | healthcheck | dns | boot to healthy | image |",
      "| --- | --- | --- | --- | --- | --- | --- |",
    ]);
    expect(lines).toContain("| redis | passed | passed | passed | passed | 3.2 s | `redis:7.6.2-alpine` |");
    expect(lines).toContain("| pgvector | missing | missing | missing | missing | - | `pgvector/pgvector:0.8.6-pg17-bookworm` |");
    expect(lines.filter((line) => line.startsWith("| ")).length).toBe(serviceNames.length + 2);
    expect(lines).toContain("Stack memory after boot (sum of container RSS): 5 MiB");
  });

  it("names the look-alike images when the stacks ran on that track", () => {
    expect(markdownTable({ ...report, track: "lookalike" }, {})).toContain("| `stack-harness/spark:lookalike` |");
  });
});
