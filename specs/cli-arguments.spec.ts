import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { startNode } from "./support/child-process.ts";
import { useTempDir } from "./support/temp-dir.ts";

const cli = fileURLToPath(new URL("../harness/cli.ts", import.meta.url));
const tempDir = useTempDir("stack-harness-cli-");

async function runCli(args: string[]): Promise<{ code: number | null; output: string }> {
  const run = startNode([cli, ...args]);
  const code = await run.exited;
  return { code, output: run.output().trim() };
}

/** [what, arguments (DIR: a directory), exit code, the one line it prints]. */
const refusals: Array<[string, string[], number, RegExp]> = [
  ["an unknown command", ["frobnicate"], 2, /^stack-harness: "frobnicate" is not a command\. Fix: run one of up, down, doctor, images, compose, check-compose, docs, matrix; stack-harness --help says what each does\.$/],
  ["an unknown flag", ["check-compose", "--jsn"], 2, /^stack-harness: check-compose does not take --jsn \(it takes --json\)\. Fix: run stack-harness check-compose \[file\] \[--json\]\.$/],
  ["a flag of a command that takes none", ["down", "--force"], 2, /^stack-harness: down does not take --force \(it takes no flags\)\. Fix: run stack-harness down\.$/],
  ["an argument too many", ["down", "now"], 2, /^stack-harness: down takes no arguments, not also "now"\. Fix: run stack-harness down\.$/],
  ["a second file", ["check-compose", "a.yml", "b.yml"], 2, /^stack-harness: check-compose takes at most 1 argument, not also "b\.yml"\. Fix: run stack-harness check-compose \[file\] \[--json\]\.$/],
  ["a flag without its value", ["matrix", "--tags"], 2, /^stack-harness: --tags needs a value\. Fix: run stack-harness matrix \[--tags pinned\|newest\]\.$/],
  ["a flag with a value it does not take", ["matrix", "--tags", "latest"], 2, /^stack-harness: unknown arguments "--tags latest"\. Fix: use --tags with pinned, newest or both, comma-separated\.$/],
  ["a switch given a value", ["check-compose", "--json=yes"], 2, /^stack-harness: --json takes no value, not "yes"\. Fix: run stack-harness check-compose/],
  ["a README that is a directory", ["docs", "DIR"], 2, /^stack-harness: DIR is a directory, not a file\. Fix: name the file: DIR\/README\.md\.$/],
  ["a compose file to write that is a directory", ["compose", "DIR"], 2, /^stack-harness: DIR is a directory, not a file\. Fix: name the file: DIR\/docker-compose\.yml\.$/],
  ["a README that does not exist", ["docs", "DIR/missing.md"], 2, /^stack-harness: cannot read DIR\/missing\.md \(ENOENT\)\. Fix: name the README to rewrite/],
  ["a compose file to check that is a directory", ["check-compose", "DIR"], 1, /^\[stack-harness\] DIR is a directory, not a compose file\.\nFix: name the file in it: stack-harness check-compose DIR\/docker-compose\.yml\.$/],
  ["a service the catalog does not have", ["up", "postgres"], 1, /^\[stack-harness\] postgres: is not a service of the catalog\.\nFix: use one of: ollama/],
  ["an image recipe the catalog does not have", ["images", "postgres"], 1, /^\[stack-harness\] postgres: is not a service of the catalog\.\nFix: use one of: ollama/],
];

describe("the stack-harness CLI given bad input", () => {
  it.each(refusals)("refuses %s with the fix, a non-zero exit and no stack trace", async (_what, args, exitCode, message) => {
    const { code, output } = await runCli(args.map((arg) => arg.replace("DIR", tempDir())));
    expect(code).toBe(exitCode);
    expect(output.replaceAll(tempDir(), "DIR")).toMatch(message);
    expect(output).not.toMatch(/^\s+at /m);
  });

  it("prints the usage, exit 0, for --help (negative control: the same CLI that refuses)", async () => {
    const { code, output } = await runCli(["--help"]);
    expect(code).toBe(0);
    expect(output).toMatch(/^Usage: stack-harness <command>\n {2}up \[services\.\.\.\] +boot the stack/);
    expect(output).toMatch(/check-compose \[file\] \[--json\]\n {24}prove a compose file's healthchecks/);
  });
});
