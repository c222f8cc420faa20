import { execFile } from "node:child_process";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify, stripVTControlCharacters } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { leftovers } from "./support/leftovers.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const run = promisify(execFile);

interface PackageJson {
  version: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

/**
 * The app's lockfile: this repository's (every package the app needs is in it, so npm's cache
 * holds each tarball), with the app as root and stack-harness from the packed tarball.
 */
async function consumerLock(manifest: { dependencies: Record<string, string>; devDependencies: Record<string, string> }, ours: PackageJson) {
  const lock = JSON.parse(await readFile(join(root, "package-lock.json"), "utf8")) as {
    name: string;
    packages: Record<string, Record<string, unknown>>;
  };
  lock.name = "consumer-app";
  lock.packages[""] = { name: "consumer-app", ...manifest };
  lock.packages["node_modules/stack-harness"] = {
    version: ours.version,
    resolved: manifest.dependencies["stack-harness"],
    dependencies: ours.dependencies,
    peerDependencies: ours.peerDependencies,
  };
  return lock;
}

describe("an app repo using the packed stack-harness", () => {
  let app: string | undefined;

  afterAll(async () => {
    if (app) await rm(app, { recursive: true, force: true });
  });

  it("installs the tarball from npm's cache and runs its own vitest suite through the preset", async () => {
    app = await mkdtemp(join(tmpdir(), "stack-harness-consumer-"));
    const { stdout: packed } = await run("npm", ["pack", "--json", "--pack-destination", app], { cwd: root });
    const tarball = join(app, (JSON.parse(packed) as Array<{ filename: string }>)[0]!.filename);
    const ours = JSON.parse(await readFile(join(root, "package.json"), "utf8")) as PackageJson;
    const manifest = {
      name: "consumer-app",
      private: true,
      type: "module",
      dependencies: { "stack-harness": `file:${basename(tarball)}`, pg: ours.dependencies.pg!, redis: ours.dependencies.redis! },
      devDependencies: { vitest: ours.devDependencies.vitest! },
    };
    await writeFile(join(app, "package.json"), JSON.stringify(manifest));
    await writeFile(join(app, "package-lock.json"), JSON.stringify(await consumerLock(manifest, ours)));
    await cp(join(root, "fixtures/consumer-app"), app, { recursive: true });
    await run("npm", ["ci", "--offline", "--no-audit", "--no-fund", "--ignore-scripts"], { cwd: app });

    const result = await run(process.execPath, [join(app, "node_modules/vitest/vitest.mjs"), "run"], { cwd: app }).then(
      ({ stdout }) => ({ code: 0, stdout }),
      (failure: { code: number; stdout: string; stderr: string }) => ({ code: failure.code, stdout: `${failure.stdout}\n${failure.stderr}` }),
    );
    expect(result.code, result.stdout).toBe(0);
    expect(stripVTControlCharacters(result.stdout)).toMatch(/Tests +1 passed \(1\)/);
    expect(await leftovers()).toEqual([]);
  });
});
