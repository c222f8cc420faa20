import { specOf, type ServiceName } from "../../catalog/catalog.ts";
import type { ComposeModel, ComposeService } from "./compose-model.ts";
import type { ComposeFinding } from "./findings.ts";
import { describeTest } from "./health-test.ts";

const defaultPorts: Record<string, number> = { http: 80, https: 443, redis: 6379, postgres: 5432, postgresql: 5432, bolt: 7687, neo4j: 7687, spark: 7077 };

/** The catalog's own healthcheck, as the fix for a wrong one. */
export function catalogHealthcheck(name: ServiceName): string {
  return `test: ["CMD-SHELL", ${JSON.stringify(specOf(name).healthcheck.command("127.0.0.1"))}]`;
}

/** Ports a service listens on in the network: the catalog's, else those the file names. */
function listeningPorts(service: ComposeService, known: ServiceName | undefined): number[] {
  return known ? [specOf(known).port, ...(specOf(known).extraPorts ?? [])] : service.containerPorts;
}

/** Findings that need no container: depends_on conditions, addresses in the environment, known healthcheck pitfalls. */
export function staticFindings(model: ComposeModel, known: Map<string, ServiceName>): ComposeFinding[] {
  const byName = new Map(model.services.map((service) => [service.name, service]));
  return model.services.flatMap((service) => [
    ...dependsOnFindings(service, byName, known),
    ...referenceFindings(service, byName, known),
    ...pitfallFindings(service, known.get(service.name)),
  ]);
}

function dependsOnFindings(service: ComposeService, byName: Map<string, ComposeService>, known: Map<string, ServiceName>): ComposeFinding[] {
  return service.dependsOn.flatMap(({ service: dependency, condition }): ComposeFinding[] => {
    const target = byName.get(dependency);
    if (!target) {
      return [{ service: service.name, check: "depends_on", severity: "error", message: `depends on "${dependency}", which is not a service of this file.`, fix: `use one of: ${[...byName.keys()].join(", ")}.` }];
    }
    if (condition !== "service_healthy") return [];
    if (!target.healthcheck) {
      const catalog = known.get(dependency);
      return [
        {
          service: service.name,
          check: "depends_on",
          severity: "error",
          message: `waits for "${dependency}" to be healthy, but "${dependency}" has no healthcheck, so it never will be.`,
          fix: catalog ? `give "${dependency}" a healthcheck: ${catalogHealthcheck(catalog)}.` : `give "${dependency}" a healthcheck, or wait for condition: service_started.`,
        },
      ];
    }
    return [{ service: service.name, check: "depends_on", severity: "ok", message: `waits for "${dependency}", which has a healthcheck.` }];
  });
}

function referenceFindings(service: ComposeService, byName: Map<string, ComposeService>, known: Map<string, ServiceName>): ComposeFinding[] {
  return Object.entries(service.environment).flatMap(([variable, value]): ComposeFinding[] => {
    const address = addressIn(value);
    if (!address) return [];
    const { host, port } = address;
    const where = `${variable}=${value}`;
    if (host === "localhost" || host === "127.0.0.1") {
      return [{ service: service.name, check: "reference", severity: "error", message: `${where}: localhost in a container is that container itself.`, fix: "name the service that serves it, e.g. http://ollama:11434." }];
    }
    const target = byName.get(host);
    if (!target) {
      if (host.includes(".")) return [];
      return [{ service: service.name, check: "reference", severity: "error", message: `${where}: "${host}" is not a service of this file, so the name does not resolve.`, fix: `use one of: ${[...byName.keys()].join(", ")}.` }];
    }
    const ports = listeningPorts(target, known.get(host));
    if (port === undefined || ports.length === 0) return [{ service: service.name, check: "reference", severity: "ok", message: `${where} names the service "${host}".` }];
    if (!ports.includes(port)) {
      return [{ service: service.name, check: "reference", severity: "error", message: `${where}: "${host}" listens on ${ports.join(", ")}, not ${port}.`, fix: `use port ${ports[0]} (the container port, not a published host port).` }];
    }
    return [{ service: service.name, check: "reference", severity: "ok", message: `${where} names "${host}" on a port it listens on.` }];
  });
}

/** `scheme://[user@]host[:port]` or a bare `host:port`. */
function addressIn(value: string): { host: string; port: number | undefined } | undefined {
  const url = /^([a-z][a-z0-9+.-]*):\/\/(?:[^@/\s]*@)?([A-Za-z0-9_.-]+)(?::(\d+))?/i.exec(value);
  if (url) return { host: url[2]!, port: url[3] ? Number(url[3]) : defaultPorts[url[1]!.toLowerCase()] };
  const bare = /^([A-Za-z][A-Za-z0-9_.-]*):(\d+)$/.exec(value);
  return bare ? { host: bare[1]!, port: Number(bare[2]) } : undefined;
}

function pitfallFindings(service: ComposeService, known: ServiceName | undefined): ComposeFinding[] {
  if (!known || !service.healthcheck) return [];
  const command = describeTest(service.healthcheck);
  return (specOf(known).healthcheckPitfalls ?? [])
    .filter((pitfall) => pitfall.matches(command))
    .map((pitfall): ComposeFinding => ({ service: service.name, check: "healthcheck rule", severity: "error", message: `${command}: ${pitfall.problem}.`, fix: catalogHealthcheck(known) }));
}
