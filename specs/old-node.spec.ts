import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { supportedNode } from "../harness/common/supported-node.js";
import { installPackedApp } from "./support/packed-app.ts";

const run = promisify(execFile);
const root = fileURLToPath(new URL("..", import.meta.url));
// Node 20 from the npm package node@20, as .ci/run brings Node 24: the same on every machine.
const oldNodePrefix = join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "stack-harness", "node20");
const oldNodeBin = join(oldNodePrefix, "node_modules", ".bin");
const refusal = new RegExp(`^stack-harness needs Node >= ${supportedNode.replace(".", "\\.")}, and this is Node 20\\.\\d+\\.\\d+\\. Fix: .*node@24`);

interface Outcome {
  code: number;
  output: string;
}

async function outcome(command: string, args: string[], cwd: string, path: string): Promise<Outcome> {
  return run(command, args, { cwd, env: { ...process.env, PATH: path } }).then(
    ({ stdout, stderr }) => ({ code: 0, output: `${stdout}${stderr}` }),
    (failure: { code: number; stdout: string; stderr: string }) => ({ code: failure.code, output: `${failure.stdout}${failure.stderr}` }),
  );
}

describe("every entry point on Node 20 refuses with one line that names the fix", () => {
  let app: string;
  const oldPath = `${oldNodeBin}${delimiter}${process.env.PATH}`;

  beforeAll(async () => {
    if (!existsSync(join(oldNodeBin, "node"))) {
      await run("npm", ["install", "--prefix", oldNodePrefix, "--no-save", "--no-audit", "--no-fund", "node@20"]);
    }
    app = await installPackedApp("fixtures/consumer-app");
  }, 300_000);

  afterAll(async () => {
    if (app) await rm(app, { recursive: true, force: true });
  });

  it("says the same bound as package.json's engines", async () => {
    const { engines } = JSON.parse(await readFile(join(root, "package.json"), "utf8")) as { engines: { node: string } };
    expect(engines.node).toBe(`>=${supportedNode}`);
  });

  it.each([
    ["an npm script of this repository (`npm run doctor`)", () => ["npm", ["run", "--silent", "doctor"], root] as const],
    ["the package's bin (`npx stack-harness doctor`)", () => [join(app, "node_modules", ".bin", "stack-harness"), ["doctor"], app] as const],
    ['the import `import "stack-harness"`', () => ["node", ["--input-type=module", "-e", 'await import("stack-harness")'], app] as const],
    ['the preset `import "stack-harness/vitest"`', () => ["node", ["--input-type=module", "-e", 'await import("stack-harness/vitest")'], app] as const],
  ])("%s", async (_, invocation) => {
    const [command, args, cwd] = invocation();
    const { code, output } = await outcome(command, [...args], cwd, oldPath);
    expect(code).not.toBe(0);
    expect(output.trim().split("\n")).toEqual([expect.stringMatching(refusal)]);
  });

  it("lets a supported Node through (negative control: the same import on this Node)", async () => {
    const { code, output } = await outcome(process.execPath, ["--input-type=module", "-e", 'await import("stack-harness")'], app, process.env.PATH!);
    expect(output).not.toMatch(/needs Node/);
    expect(code).toBe(0);
  });
});
