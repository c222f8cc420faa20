import { serviceNames } from "./catalog.ts";
import { StackError } from "./errors.ts";
import type { BootOptions } from "./stack.ts";

// Every key of BootOptions: a new option missing here fails the type check.
const knownOptions = Object.keys({
  services: 0, images: 0, startupTimeoutMs: 0, onProgress: 0, ollamaModel: 0, signal: 0, reuse: 0, environment: 0, hostPorts: 0,
} satisfies Record<keyof BootOptions, 0>);

/** Refuses options of the wrong type or with unknown keys, naming the option and what it takes. */
export function checkBootOptions(options: unknown): void {
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    refuse("the options", "must be an object", "call bootStack() or bootStack({ services: [...] }).");
  }
  const given = options as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!knownOptions.includes(key)) refuse(`\`${key}\``, "is not an option", `use one of: ${knownOptions.join(", ")}.`);
  }
  const { startupTimeoutMs, onProgress, ollamaModel, signal, reuse, environment, hostPorts } = given;
  if (startupTimeoutMs !== undefined && !isPositive(startupTimeoutMs)) {
    perService("startupTimeoutMs", startupTimeoutMs, isPositive, "a number of milliseconds above 0", "{ startupTimeoutMs: 120_000 } or { startupTimeoutMs: { neo4j: 300_000 } }");
  }
  if (onProgress !== undefined && typeof onProgress !== "function") {
    refuse("`onProgress`", `must be a function, not ${describe(onProgress)}`, "pass (progress) => { ... }.");
  }
  if (ollamaModel !== undefined && (typeof ollamaModel !== "string" || ollamaModel.trim() === "")) {
    refuse("`ollamaModel`", `must be a model name, not ${describe(ollamaModel)}`, 'pass a name such as "all-minilm", or leave it out.');
  }
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    refuse("`signal`", `must be an AbortSignal, not ${describe(signal)}`, "pass controller.signal or AbortSignal.timeout(ms).");
  }
  if (reuse !== undefined && typeof reuse !== "boolean") {
    refuse("`reuse`", `must be true or false, not ${describe(reuse)}`, "pass reuse: true, or leave it out.");
  }
  if (environment !== undefined) {
    perService("environment", environment, isStringRecord, "an object of string variables", '{ environment: { neo4j: { NEO4J_PLUGINS: \'["apoc"]\' } } }', true);
  }
  if (hostPorts !== undefined) {
    perService("hostPorts", hostPorts, isPort, "a port number from 1 to 65535", "{ hostPorts: { redis: 6379 } }", true);
  }
}

function perService(option: string, value: unknown, valid: (entry: unknown) => boolean, wanted: string, example: string, onlyPerService = false): void {
  const fix = `pass ${example}.`;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    refuse(`\`${option}\``, `must be ${onlyPerService ? "" : `${wanted} or `}an object by service name, not ${describe(value)}`, fix);
  }
  for (const [service, entry] of Object.entries(value)) {
    if (!(serviceNames as readonly string[]).includes(service)) {
      refuse(`\`${option}.${service}\``, "names no service of the catalog", `use one of: ${serviceNames.join(", ")}.`);
    }
    if (!valid(entry)) refuse(`\`${option}.${service}\``, `must be ${wanted}, not ${describe(entry)}`, fix);
  }
}

function isPositive(value: unknown): boolean {
  return typeof value === "number" && Number.isFinite(value) && value > 0;
}

function isPort(value: unknown): boolean {
  return typeof value === "number" && Number.isInteger(value) && value >= 1 && value <= 65_535;
}

function isStringRecord(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value) && Object.values(value).every((entry) => typeof entry === "string");
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number") return String(value);
  if (typeof value === "object") return "an object";
  return `a ${typeof value}`;
}

function refuse(subject: string, problem: string, fix: string): never {
  throw new StackError({ problem: `${subject} ${problem}.`, fix });
}
