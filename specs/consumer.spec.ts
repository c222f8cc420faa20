import { execFile } from "node:child_process";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { promisify, stripVTControlCharacters } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { leftovers } from "./support/leftovers.ts";
import { installPackedApp } from "./support/packed-app.ts";

const run = promisify(execFile);

describe("an app repo using the packed stack-harness", () => {
  let app: string | undefined;

  afterAll(async () => {
    if (app) await rm(app, { recursive: true, force: true });
  });

  it("installs the tarball from npm's cache and runs its own vitest suite through the preset", async () => {
    app = await installPackedApp("fixtures/consumer-app");
    const result = await run(process.execPath, [join(app, "node_modules/vitest/vitest.mjs"), "run"], { cwd: app }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout: `${stdout}\n${stderr}` }),
      (failure: { code: number; stdout: string; stderr: string }) => ({ code: failure.code, stdout: `${failure.stdout}\n${failure.stderr}` }),
    );
    expect(result.code, result.stdout).toBe(0);
    expect(stripVTControlCharacters(result.stdout)).toMatch(/Tests +1 passed \(1\)/);
    // The package ships no source maps, so vite has none that point at sources left out of the tarball.
    expect(result.stdout).not.toMatch(/Sourcemap for .* points to missing source files/);
    expect(await leftovers()).toEqual([]);
  });
});
