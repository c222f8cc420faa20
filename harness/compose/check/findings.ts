/** What check-compose found about one service of a compose file. */
export interface ComposeFinding {
  service: string;
  check: "compose file" | "image" | "volume" | "healthcheck program" | "healthcheck while serving" | "healthcheck while unfit" | "healthcheck with the server down" | "healthcheck rule" | "depends_on" | "reference";
  severity: "error" | "warning" | "ok";
  message: string;
  /** How to fix it; none for an ok. */
  fix?: string;
}

export function hasErrors(findings: readonly ComposeFinding[]): boolean {
  return findings.some((finding) => finding.severity === "error");
}

/** One line per finding, errors first, each with its fix. */
export function findingsTable(findings: readonly ComposeFinding[]): string {
  const order = { error: 0, warning: 1, ok: 2 };
  const sorted = [...findings].sort((a, b) => order[a.severity] - order[b.severity] || a.service.localeCompare(b.service));
  const width = Math.max(7, ...sorted.map((finding) => finding.service.length));
  const lines = sorted.map(
    (finding) =>
      `${finding.severity.toUpperCase().padEnd(7)}  ${finding.service.padEnd(width)}  ${finding.check}: ${finding.message}` +
      (finding.fix ? `\n${" ".repeat(9 + width + 2)}fix: ${finding.fix}` : ""),
  );
  const errors = findings.filter((finding) => finding.severity === "error").length;
  const warnings = findings.filter((finding) => finding.severity === "warning").length;
  return `${lines.join("\n")}\n\n${errors} errors, ${warnings} warnings, ${findings.length - errors - warnings} checks passed\n`;
}
