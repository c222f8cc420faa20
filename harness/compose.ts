import { stringify } from "yaml";
import { serviceNames, specOf } from "./catalog.ts";
import { imageOverrideVariable } from "./images.ts";
import type { ServiceSpec } from "./service-spec.ts";

export const composeHeader =
  "# Generated from harness/services by `npm run compose`; edit the catalog, not this file.\n" +
  "# Each image can be overridden with its STACK_HARNESS_IMAGE_<SERVICE> variable.\n";

/** docker-compose.yml for the whole catalog, as committed at the top of the repository. */
export function composeFile(): string {
  const specs = serviceNames.map(specOf);
  const document = {
    name: "stack-harness",
    services: Object.fromEntries(specs.map((spec) => [spec.name, composeService(spec)])),
    volumes: Object.fromEntries(specs.filter((spec) => spec.dataDir).map((spec) => [volumeName(spec), {}])),
  };
  return composeHeader + stringify(document, { lineWidth: 0, version: "1.1" });
}

function composeService(spec: ServiceSpec): Record<string, unknown> {
  const { healthcheck } = spec;
  return {
    image: `\${${imageOverrideVariable(spec)}:-${spec.upstreamImage}}`,
    ...(spec.command ? { command: spec.command.map(escape) } : {}),
    ...(Object.keys(spec.environment).length > 0
      ? { environment: Object.fromEntries(Object.entries(spec.environment).map(([key, value]) => [key, escape(value)])) }
      : {}),
    ports: [spec.port, ...(spec.extraPorts ?? [])].map(String),
    ...(spec.dataDir ? { volumes: [`${volumeName(spec)}:${spec.dataDir}`] } : {}),
    mem_limit: `${spec.memoryMiB}m`,
    stop_grace_period: `${spec.stopTimeoutSeconds}s`,
    healthcheck: {
      test: ["CMD-SHELL", escape(healthcheck.command("127.0.0.1"))],
      interval: duration(healthcheck.intervalMs),
      timeout: duration(healthcheck.timeoutMs),
      retries: healthcheck.retries,
      start_period: duration(healthcheck.startPeriodMs),
    },
    ...(spec.dependsOn.length > 0
      ? { depends_on: Object.fromEntries(spec.dependsOn.map((name) => [name, { condition: "service_healthy" }])) }
      : {}),
  };
}

function volumeName(spec: ServiceSpec): string {
  return `${spec.name}-data`;
}

/** Compose interpolates `$`; the container must see it literally. */
function escape(value: string): string {
  return value.replaceAll("$", () => "$$");
}

function duration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
