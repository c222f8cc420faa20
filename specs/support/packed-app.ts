import { execFile } from "node:child_process";
import { cp, mkdtemp, readFile, rename, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const root = fileURLToPath(new URL("../..", import.meta.url));
const run = promisify(execFile);

interface PackageJson {
  name: string;
  version: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  peerDependencies?: Record<string, string>;
  bin?: Record<string, string>;
}

const readJson = async <T>(path: string) => JSON.parse(await readFile(path, "utf8")) as T;

/**
 * Copies an app fixture into a new directory beside this package packed as stack-harness.tgz,
 * and installs it from npm's cache alone (`npm ci --offline`), as an app repo would from the
 * registry. The fixture's package.json names its packages ("*" for the versions this repository
 * pins) and `"stack-harness": "file:stack-harness.tgz"`. Resolves with the app's directory.
 */
export async function installPackedApp(fixture: string): Promise<string> {
  const app = await mkdtemp(join(tmpdir(), "stack-harness-app-"));
  const { stdout: packed } = await run("npm", ["pack", "--json", "--pack-destination", app], { cwd: root });
  await rename(join(app, (JSON.parse(packed) as Array<{ filename: string }>)[0]!.filename), join(app, "stack-harness.tgz"));
  await cp(join(root, fixture), app, { recursive: true, filter: (source) => !source.includes("node_modules") });
  const ours = await readJson<PackageJson>(join(root, "package.json"));
  const manifest = await readJson<PackageJson>(join(app, "package.json"));
  const pinned = (names: Record<string, string>) =>
    Object.fromEntries(Object.entries(names).map(([name, version]) => [name, version === "*" ? (ours.dependencies[name] ?? ours.devDependencies[name]!) : version]));
  manifest.dependencies = pinned(manifest.dependencies);
  manifest.devDependencies = pinned(manifest.devDependencies ?? {});
  await writeFile(join(app, "package.json"), JSON.stringify(manifest, null, 2));
  await writeFile(join(app, "package-lock.json"), JSON.stringify(await appLock(manifest, ours)));
  await run("npm", ["ci", "--offline", "--no-audit", "--no-fund", "--ignore-scripts"], { cwd: app });
  return app;
}

/**
 * The app's lockfile: this repository's (every package the app needs is in it, so npm's cache
 * holds each tarball), with the app as root and stack-harness from the packed tarball.
 */
async function appLock(manifest: PackageJson, ours: PackageJson) {
  const lock = await readJson<{ name: string; packages: Record<string, Record<string, unknown>> }>(join(root, "package-lock.json"));
  lock.name = manifest.name;
  const { name, dependencies, devDependencies } = manifest;
  lock.packages[""] = { name, dependencies, devDependencies };
  lock.packages["node_modules/stack-harness"] = {
    version: ours.version,
    resolved: dependencies["stack-harness"],
    dependencies: ours.dependencies,
    peerDependencies: ours.peerDependencies,
    // npm ci links bins from the lockfile's entry, not from the installed package.json.
    bin: ours.bin,
  };
  return lock;
}
