import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { checkCompose } from "../harness/compose/check/check-compose.ts";
import type { ComposeFinding } from "../harness/compose/check/findings.ts";
import { startNode } from "./support/child-process.ts";
import { useTempDir } from "./support/temp-dir.ts";

const cli = fileURLToPath(new URL("../harness/cli.ts", import.meta.url));
const tempDir = useTempDir("stack-harness-compose-");

const service = (settings: string) => `services:\n  cache:\n    image: redis:7.4-alpine\n${settings}`;

/** [what, the file, the service named, line:column, what the one error says, its fix]. */
const malformed: Array<[string, string, string, string, RegExp, RegExp]> = [
  ["a YAML syntax error", service("    command: [redis-server, --port\n"), "(file)", "5:1", /not valid YAML: .*(flow|collection|\])/i, /correct the YAML at that line/],
  ["a key given twice", service("    image: redis:7\n"), "(file)", "4:5", /not valid YAML: Map keys must be unique/, /correct the YAML/],
  ["an empty file", "", "(file)", "1:1", /the top level is empty, not a mapping/, /start the file with `services:`/],
  ["a top level that is a list", "- cache\n- db\n", "(file)", "1:1", /the top level is a list, not a mapping/, /start the file with `services:`/],
  ["a file without services", "version: '3.8'\n", "(file)", "1:1", /has no `services`/, /put each service under `services:`/],
  ["services that are a list", "services:\n  - cache\n", "(file)", "2:3", /`services` is a list, not a mapping of service names/, /put each service under `services:`/],
  ["a service that is a string", "services:\n  cache: redis:7\n", "cache", "2:10", /the service is the string "redis:7", not a mapping of its settings/, /give "cache" settings such as `image: redis:7`/],
  ["an image that is a number", "services:\n  cache:\n    image: 42\n", "cache", "3:12", /`image` must be an image name \(it is number 42\)/, /image: redis:7\.4-alpine/],
  ["a command that is a mapping", service("    command: { run: redis-server }\n"), "cache", "4:14", /`command` must be a string or a list of strings \(it is a mapping\)/, /command: \["redis-server"/],
  ["an environment that is a string", service("    environment: A=1\n"), "cache", "4:18", /`environment` must be a mapping of variables or a list of NAME=value strings \(it is the string "A=1"\)/, /POSTGRES_PASSWORD: secret/],
  ["a variable that is a list", service("    environment:\n      A: [1, 2]\n"), "cache", "5:7", /`environment` must be a mapping of variables/, /environment: \{/],
  ["ports that are a string", service('    ports: "6379:6379"\n'), "cache", "4:12", /`ports` must be a list of ports \(it is the string "6379:6379"\)/, /ports: \["127\.0\.0\.1:6379:6379"\]/],
  ["volumes that are a mapping", service("    volumes: { data: /data }\n"), "cache", "4:14", /`volumes` must be a list of mounts \(it is a mapping\)/, /volumes: \["data:\/data"\]/],
  ["depends_on that is a string", service("    depends_on: db\n"), "cache", "4:17", /`depends_on` must be a list of service names or a mapping of them to their condition \(it is the string "db"\)/, /condition: service_healthy/],
  ["a healthcheck that is a list", service("    healthcheck: [CMD, redis-cli, ping]\n"), "cache", "4:18", /`healthcheck` must be a mapping of test, interval, timeout, retries and start_period \(it is a list\)/, /healthcheck: \{ test:/],
  ["a healthcheck test that is a number", service("    healthcheck:\n      test: 42\n"), "cache", "5:13", /`healthcheck\.test` must be a string or a list starting with CMD, CMD-SHELL or NONE \(it is number 42\)/, /CMD-SHELL/],
  ["a healthcheck test list without its form", service("    healthcheck:\n      test: [redis-cli, ping]\n"), "cache", "5:13", /`healthcheck\.test` must be a string or a list starting with CMD, CMD-SHELL or NONE \(it is a list\)/, /CMD-SHELL/],
  ["retries that are text", service("    healthcheck:\n      test: redis-cli ping\n      retries: five\n"), "cache", "6:16", /`healthcheck\.retries` must be a whole number \(it is the string "five"\)/, /retries: 5/],
  ["an interval without its unit", service("    healthcheck:\n      test: redis-cli ping\n      interval: 5\n"), "cache", "6:17", /`healthcheck\.interval` must be a duration such as 5s or 1m30s \(it is number 5\)/, /interval: 5s/],
];

describe("check-compose on a malformed compose file", () => {
  it.each(malformed)("reports %s as one error at its line and column, with the fix", async (what, text, name, position, message, fix) => {
    const file = join(tempDir(), `${what.replaceAll(" ", "-")}.yml`);
    await writeFile(file, text);
    const findings = await checkCompose(file);
    expect(findings).toHaveLength(1);
    const [finding] = findings as [ComposeFinding];
    expect(finding).toMatchObject({ service: name, check: "compose file", severity: "error" });
    expect(finding.message.startsWith(`${file}:${position}: `)).toBe(true);
    expect(finding.message).toMatch(message);
    expect(finding.fix).toMatch(fix);
  });

  it("exits 1 without a stack trace, and the JSON form carries the same finding", async () => {
    const file = join(tempDir(), "broken.yml");
    await writeFile(file, service("    command: [redis-server, --port\n"));
    const expected = await checkCompose(file);
    const text = startNode([cli, "check-compose", file]);
    const json = startNode([cli, "check-compose", file, "--json"]);
    expect(await text.exited).toBe(1);
    expect(await json.exited).toBe(1);
    expect(text.output()).toMatch(new RegExp(`^ERROR +\\(file\\) +compose file: ${file.replaceAll("/", "\\/")}:5:1: not valid YAML`));
    expect(text.output()).not.toMatch(/^\s+at /m);
    expect(JSON.parse(json.output())).toEqual({ findings: expected, errors: 1 });
  });

  it("reads a well-formed file without a shape finding (negative control)", async () => {
    const file = join(tempDir(), "fine.yml");
    await writeFile(file, "services:\n  app:\n    image: example/app:1\n    environment: { A: 1, B: null }\n    ports: [8080, { target: 9090 }]\n    healthcheck: { test: [CMD, true], interval: 5s, retries: 3 }\n");
    const findings = await checkCompose(file);
    expect(findings.filter((finding) => finding.check === "compose file")).toEqual([]);
    expect(findings.map((finding) => finding.check)).toContain("image"); // it went on to the other checks
  });
});
