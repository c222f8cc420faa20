import type { ServiceName } from "../../catalog/catalog.ts";
import { connectEngine } from "../../engine/connect.ts";
import { readCompose } from "./compose-model.ts";
import type { ComposeFinding } from "./findings.ts";
import { catalogServiceOf } from "./catalog-match.ts";
import { runtimeFindings } from "./runtime-checks.ts";
import { staticFindings } from "./static-checks.ts";

/**
 * Checks a compose file against the images it runs: the addresses and depends_on conditions it
 * declares, and, for each service whose image the harness knows, its healthcheck proven in real
 * containers. A file it cannot read (malformed YAML, a setting of the wrong type) is one error
 * finding per problem, at its file, line and column, and nothing else is checked. Removes every
 * container, network and volume it started.
 * @example const findings = await checkCompose("docker-compose.yml"); hasErrors(findings)
 */
export async function checkCompose(file: string): Promise<ComposeFinding[]> {
  const read = await readCompose(file);
  if ("findings" in read) return read.findings;
  const { model } = read;
  const known = new Map<string, ServiceName>();
  const unknown: ComposeFinding[] = [];
  for (const service of model.services) {
    const name = catalogServiceOf(service);
    if (name) known.set(service.name, name);
    else unknown.push({ service: service.name, check: "image", severity: "warning", message: `${service.image ?? "a build"} is not an image the harness knows; only its addresses and depends_on were checked.` });
  }
  const engine = await connectEngine();
  const runtime = await runtimeFindings(engine, model.services.filter((service) => known.has(service.name)), known);
  const neverHealthy = new Set(runtime.filter((finding) => finding.severity === "error" && (finding.check === "healthcheck program" || finding.check === "healthcheck while serving")).map((finding) => finding.service));
  const chains = model.services.flatMap((service) =>
    service.dependsOn
      .filter(({ service: dependency, condition }) => condition === "service_healthy" && neverHealthy.has(dependency))
      .map(({ service: dependency }): ComposeFinding => ({
        service: service.name,
        check: "depends_on",
        severity: "error",
        message: `waits for "${dependency}" to be healthy, but the healthcheck of "${dependency}" does not pass while it serves (see above), so "${service.name}" never starts.`,
        fix: `fix the healthcheck of "${dependency}".`,
      })),
  );
  return [...unknown, ...staticFindings(model, known), ...runtime, ...chains];
}
