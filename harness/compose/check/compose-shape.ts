import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type Pair, type Scalar, type YAMLSeq } from "yaml";
import type { ComposeFinding } from "./findings.ts";

/** What the YAML library reads of a compose file: the document, or the findings that stop every other check. */
export type ShapeResult = { document: unknown; findings: [] } | { document: undefined; findings: ComposeFinding[] };

/**
 * Reads the compose file's YAML and checks the shape of what the checks read, as compose itself
 * refuses it: one error finding per problem, at the file, line and column of the node.
 */
export function readShape(file: string, text: string): ShapeResult {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const at = (node: Node | null | undefined) => {
    const { line, col } = lines.linePos(node?.range?.[0] ?? 0);
    return `${file}:${line}:${col}`;
  };
  const findings: ComposeFinding[] = [];
  const refuse = (service: string, node: Node | null | undefined, problem: string, fix: string) =>
    findings.push({ service, check: "compose file", severity: "error", message: `${at(node)}: ${problem}`, fix });
  if (document.errors.length > 0) {
    for (const error of document.errors) {
      const { line, col } = lines.linePos(error.pos[0]);
      findings.push({ service: "(file)", check: "compose file", severity: "error", message: `${file}:${line}:${col}: not valid YAML: ${error.message.split("\n")[0]}`, fix: "correct the YAML at that line (indentation, quotes, a `key: value` pair per line)." });
    }
    return { document: undefined, findings };
  }
  const top = document.contents;
  if (!isMap(top)) {
    refuse("(file)", top, `the top level is ${kindOf(top)}, not a mapping.`, "start the file with `services:` and one mapping per service under it.");
    return { document: undefined, findings };
  }
  const services = top.get("services", true) as Node | undefined;
  if (!isMap(services)) {
    refuse("(file)", services ?? top, services === undefined ? "has no `services`." : `\`services\` is ${kindOf(services)}, not a mapping of service names.`, "put each service under `services:` as `name:` followed by its settings.");
    return { document: undefined, findings };
  }
  for (const pair of services.items as Array<Pair<Node, Node | null>>) {
    const name = isScalar(pair.key) ? String(pair.key.value) : "(service)";
    if (!isMap(pair.value)) {
      refuse(name, pair.value ?? pair.key, `the service is ${kindOf(pair.value)}, not a mapping of its settings.`, `give "${name}" settings such as \`image: redis:7\`.`);
      continue;
    }
    for (const field of pair.value.items as Array<Pair<Node, Node | null>>) {
      const key = isScalar(field.key) ? String(field.key.value) : "";
      const wrong = fieldRules[key]?.(field.value);
      const node = wrong?.node ?? field.value ?? field.key;
      if (wrong) refuse(name, node, `\`${wrong.field ?? key}\` ${wrong.problem} (it is ${kindOf(wrong.node ?? field.value)}).`, wrong.fix);
    }
  }
  if (findings.length > 0) return { document: undefined, findings };
  return { document: document.toJS(), findings: [] };
}

/** What is wrong with a setting; for one inside it (a healthcheck's `test`), its name and node. */
type Rule = (node: Node | null) => { problem: string; fix: string; field?: string; node?: Node | null } | undefined;

const isString = (node: Node | null) => isScalar(node) && typeof node.value === "string";
const isText = (node: Node | null) => isScalar(node) && ["string", "number", "boolean"].includes(typeof node.value);
const isTextOrNull = (node: Node | null) => node === null || isText(node) || (isScalar(node) && node.value === null);
const listOf = (node: Node | null, item: (entry: Node | null) => boolean) => isSeq(node) && (node.items as Array<Node | null>).every(item);
const mapOf = (node: Node | null, value: (entry: Node | null) => boolean) => isMap(node) && (node.items as Array<Pair<Node, Node | null>>).every((pair) => value(pair.value));
const rule = (valid: (node: Node | null) => boolean, problem: string, fix: string): Rule => (node) => (valid(node) ? undefined : { problem, fix });

const commandRule = (key: string) =>
  rule((node) => isString(node) || listOf(node, isText), "must be a string or a list of strings", `e.g. \`${key}: ["redis-server", "--appendonly", "yes"]\`.`);
const durationRule = (key: string) => rule((node) => isString(node), "must be a duration such as 5s or 1m30s", `e.g. \`${key}: 5s\`.`);

const healthcheckFields: Record<string, Rule> = {
  test: rule(
    (node) => isString(node) || (listOf(node, isText) && ["CMD", "CMD-SHELL", "NONE"].includes(String((node as YAMLSeq<Scalar>).items[0]?.value))),
    "must be a string or a list starting with CMD, CMD-SHELL or NONE",
    'e.g. `test: ["CMD-SHELL", "pg_isready -h 127.0.0.1"]`.',
  ),
  interval: durationRule("interval"),
  timeout: durationRule("timeout"),
  start_period: durationRule("start_period"),
  start_interval: durationRule("start_interval"),
  retries: rule((node) => isScalar(node) && Number.isInteger(node.value), "must be a whole number", "e.g. `retries: 5`."),
  disable: rule((node) => isScalar(node) && typeof node.value === "boolean", "must be true or false", "e.g. `disable: true`."),
};

/** The settings the checks read, each with the types compose takes. */
const fieldRules: Record<string, Rule> = {
  image: rule(isString, "must be an image name", "e.g. `image: redis:7.4-alpine`."),
  command: commandRule("command"),
  entrypoint: commandRule("entrypoint"),
  environment: rule(
    (node) => mapOf(node, isTextOrNull) || listOf(node, isString),
    "must be a mapping of variables or a list of NAME=value strings",
    "e.g. `environment: { POSTGRES_PASSWORD: secret }` or `environment: [\"POSTGRES_PASSWORD=secret\"]`.",
  ),
  ports: rule((node) => listOf(node, (entry) => isText(entry) || isMap(entry)), "must be a list of ports", 'e.g. `ports: ["127.0.0.1:6379:6379"]`.'),
  expose: rule((node) => listOf(node, isText), "must be a list of ports", 'e.g. `expose: ["6379"]`.'),
  volumes: rule((node) => listOf(node, (entry) => isString(entry) || isMap(entry)), "must be a list of mounts", 'e.g. `volumes: ["data:/data"]`.'),
  depends_on: rule(
    (node) => listOf(node, isString) || mapOf(node, (entry) => entry === null || isMap(entry)),
    "must be a list of service names or a mapping of them to their condition",
    "e.g. `depends_on: { db: { condition: service_healthy } }`.",
  ),
  healthcheck: (node) => {
    if (!isMap(node)) return { problem: "must be a mapping of test, interval, timeout, retries and start_period", fix: 'e.g. `healthcheck: { test: ["CMD", "redis-cli", "ping"], interval: 5s }`.' };
    for (const pair of node.items as Array<Pair<Node, Node | null>>) {
      const key = isScalar(pair.key) ? String(pair.key.value) : "";
      const wrong = healthcheckFields[key]?.(pair.value);
      if (wrong) return { ...wrong, field: `healthcheck.${key}`, node: pair.value ?? pair.key };
    }
    return undefined;
  },
};

function kindOf(node: Node | null | undefined): string {
  if (node === undefined) return "missing";
  if (node === null || (isScalar(node) && node.value === null)) return "empty";
  if (isMap(node)) return "a mapping";
  if (isSeq(node)) return "a list";
  if (isScalar(node)) return typeof node.value === "string" ? `the string ${JSON.stringify(node.value)}` : `${typeof node.value} ${String(node.value)}`;
  return "an alias";
}
