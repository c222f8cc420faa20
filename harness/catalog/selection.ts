import { catalog, serviceNames, specOf, type ServiceName } from "./catalog.ts";
import { StackError } from "../errors.ts";

/** Checks requested names: a non-empty array of catalog services, each named once. */
export function checkNames(requested: readonly string[]): void {
  if (!Array.isArray(requested) || requested.length === 0) {
    throw new StackError({
      code: "invalid-option",
      problem: "`services` must be a non-empty array of service names.",
      fix: `pass some of: ${serviceNames.join(", ")}; or leave it out to boot them all.`,
    });
  }
  const seen = new Set<string>();
  for (const name of requested) {
    if (typeof name !== "string" || !Object.hasOwn(catalog, name)) {
      throw new StackError({
        code: "unknown-service",
        service: String(name),
        problem: "is not a service of the catalog.",
        fix: `use one of: ${serviceNames.join(", ")}.`,
      });
    }
    if (seen.has(name)) {
      throw new StackError({
        code: "duplicate-service",
        service: name,
        problem: "is named twice in `services`.",
        fix: "name each service once.",
      });
    }
    seen.add(name);
  }
}

/** Checks a requested subset: known names, no duplicates, every dependency included. */
export function selectServices<Names extends ServiceName>(requested: readonly Names[]): Names[] {
  checkNames(requested);
  for (const name of requested) {
    for (const dependency of specOf(name).dependsOn) {
      if (!requested.includes(dependency as Names)) {
        throw new StackError({
          code: "missing-dependency",
          service: name,
          problem: `depends on "${dependency}", which is not in \`services\`.`,
          fix: `add "${dependency}" to \`services\`.`,
        });
      }
    }
  }
  return [...requested];
}

/** The service and its dependencies, transitively, in catalog order. */
export function withDependencies(service: ServiceName): ServiceName[] {
  const needed = new Set<string>();
  const visit = (name: string) => {
    if (needed.has(name)) return;
    needed.add(name);
    specOf(name as ServiceName).dependsOn.forEach(visit);
  };
  visit(service);
  return serviceNames.filter((name) => needed.has(name));
}
