import { readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { StackError } from "../../errors.ts";
import { readShape } from "./compose-shape.ts";
import type { ComposeFinding } from "./findings.ts";

/** A healthcheck as the engine runs it: a shell command (CMD-SHELL) or a program with arguments (CMD). */
export type HealthTest = { shell: string } | { exec: string[] };

export interface ComposeMount {
  kind: "volume" | "bind";
  /** A named volume, or a host path resolved against the file's directory. */
  source: string;
  target: string;
}

/** One service of a user's compose file, interpolated and normalized. */
export interface ComposeService {
  name: string;
  image: string | undefined;
  environment: Record<string, string>;
  command: string[] | undefined;
  entrypoint: string[] | undefined;
  healthcheck: HealthTest | undefined;
  dependsOn: Array<{ service: string; condition: string }>;
  mounts: ComposeMount[];
  /** Container ports named by `ports` and `expose`. */
  containerPorts: number[];
}

export interface ComposeModel {
  file: string;
  services: ComposeService[];
}

/** The compose file as the checks read it, or the findings of a file they cannot read (malformed YAML, wrong types). */
export async function readCompose(file: string, env: NodeJS.ProcessEnv = process.env): Promise<{ model: ComposeModel } | { findings: ComposeFinding[] }> {
  const text = await readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "EISDIR") {
      throw new StackError({ code: "invalid-compose-file", problem: `${file} is a directory, not a compose file.`, fix: `name the file in it: stack-harness check-compose ${join(file, "docker-compose.yml")}.` });
    }
    throw new StackError({ code: "invalid-compose-file", problem: `cannot read ${file} (${error.code ?? error.message}).`, fix: "name an existing compose file: stack-harness check-compose path/to/docker-compose.yml." });
  });
  const shape = readShape(file, text);
  if (shape.findings.length > 0) return { findings: shape.findings };
  const document = shape.document as { services: Record<string, Record<string, unknown>> };
  const base = dirname(resolve(file));
  const services = Object.entries(document.services).map(([name, raw]) => normalize(name, interpolated(raw, env) as Record<string, unknown>, base));
  return { model: { file, services } };
}

/** Compose's `${VAR}`, `${VAR:-default}`, `${VAR-default}` and `$VAR`; `$$` is a literal `$`. */
function interpolate(text: string, env: NodeJS.ProcessEnv): string {
  return text.replace(/\$\$|\$\{(\w+)(?:(:?-)([^}]*))?\}|\$(\w+)/g, (match, braced?: string, operator?: string, fallback?: string, bare?: string) => {
    if (match === "$$") return "$";
    const value = env[braced ?? bare!];
    if (operator === ":-") return value ? value : (fallback ?? "");
    if (operator === "-") return value ?? fallback ?? "";
    return value ?? "";
  });
}

function interpolated(value: unknown, env: NodeJS.ProcessEnv): unknown {
  if (typeof value === "string") return interpolate(value, env);
  if (Array.isArray(value)) return value.map((item) => interpolated(item, env));
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, interpolated(item, env)]));
  return value;
}

function normalize(name: string, raw: Record<string, unknown>, base: string): ComposeService {
  return {
    name,
    image: typeof raw.image === "string" ? raw.image : undefined,
    environment: environmentOf(raw.environment),
    command: words(raw.command),
    entrypoint: words(raw.entrypoint),
    healthcheck: healthTestOf(raw.healthcheck),
    dependsOn: dependsOnOf(raw.depends_on),
    mounts: mountsOf(raw.volumes, base),
    containerPorts: [...portsOf(raw.ports), ...portsOf(raw.expose)],
  };
}

function environmentOf(raw: unknown): Record<string, string> {
  if (Array.isArray(raw)) {
    return Object.fromEntries(raw.map(String).map((entry) => [entry.split("=")[0]!, entry.slice(entry.indexOf("=") + 1)]));
  }
  if (raw && typeof raw === "object") return Object.fromEntries(Object.entries(raw).map(([key, value]) => [key, value === null ? "" : String(value)]));
  return {};
}

function words(raw: unknown): string[] | undefined {
  if (Array.isArray(raw)) return raw.map(String);
  if (typeof raw === "string") return raw.split(/\s+/).filter(Boolean);
  return undefined;
}

function healthTestOf(raw: unknown): HealthTest | undefined {
  if (!raw || typeof raw !== "object") return undefined;
  const { test, disable } = raw as { test?: unknown; disable?: boolean };
  if (disable) return undefined;
  if (typeof test === "string") return { shell: test };
  if (!Array.isArray(test) || test.length === 0) return undefined;
  const [form, ...rest] = test.map(String);
  if (form === "CMD-SHELL") return { shell: rest.join(" ") };
  if (form === "CMD") return { exec: rest };
  return undefined;
}

function dependsOnOf(raw: unknown): ComposeService["dependsOn"] {
  if (Array.isArray(raw)) return raw.map((service) => ({ service: String(service), condition: "service_started" }));
  if (raw && typeof raw === "object") {
    return Object.entries(raw).map(([service, value]) => ({ service, condition: (value as { condition?: string } | null)?.condition ?? "service_started" }));
  }
  return [];
}

function mountsOf(raw: unknown, base: string): ComposeMount[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((entry): ComposeMount[] => {
    if (typeof entry === "string") {
      const [source, target] = entry.split(":");
      if (!target) return [];
      const bind = source!.startsWith(".") || source!.startsWith("/") || source!.startsWith("~");
      return [{ kind: bind ? "bind" : "volume", source: bind ? resolve(base, source!) : source!, target }];
    }
    const { type, source, target } = entry as { type?: string; source?: string; target?: string };
    if (!source || !target || (type !== "bind" && type !== "volume")) return [];
    return [{ kind: type, source: type === "bind" ? resolve(base, source) : source, target }];
  });
}

function portsOf(raw: unknown): number[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((entry) => {
    const text = typeof entry === "object" && entry !== null ? String((entry as { target?: unknown }).target ?? "") : String(entry);
    const port = Number(text.split("/")[0]!.split(":").at(-1));
    return Number.isInteger(port) && port > 0 ? [port] : [];
  });
}
