import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify, stripVTControlCharacters } from "node:util";
import { expect } from "vitest";
import { specOf, type ServiceName } from "../../harness/catalog/catalog.ts";
import { lookalikeImage } from "../../harness/images/lookalike.ts";

/** The services the suite runs for again on another engine (a remote dockerd, Podman). */
export const servicesElsewhere: ServiceName[] = ["pgvector", "redis", "chroma"];

/** The images that engine needs: those services', and model-registry's, FROM which the app-container spec builds its app. */
export const imagesElsewhere = [...servicesElsewhere, "model-registry" as const].map((name) => lookalikeImage(specOf(name)));

/** The spec files that run again there, for those services. */
export const specsElsewhere = ["connectivity", "persistence", "healthcheck", "dns", "app-container"].map((name) => `specs/${name}.spec.ts`);

/** The environment of a run of those specs on the engine at dockerHost. */
export function envElsewhere(dockerHost: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DOCKER_HOST: dockerHost,
    STACK_HARNESS_IMAGES: "lookalike",
    TESTCONTAINERS_RYUK_DISABLED: "true",
    STACK_HARNESS_SERVICES: servicesElsewhere.join(","),
    ...extra,
  };
}

const root = fileURLToPath(new URL("../..", import.meta.url));

/** Runs spec files of this suite in a vitest of their own, with this environment (e.g. another engine's DOCKER_HOST). */
export async function runSpecFiles(files: readonly string[], env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  const args = [`${root}node_modules/vitest/vitest.mjs`, "run", ...files, "--reporter=default"];
  const result = await promisify(execFile)(process.execPath, args, { cwd: root, env, maxBuffer: 64 * 2 ** 20 }).then(
    ({ stdout }) => ({ code: 0, output: stdout }),
    (failure: { code: number; stdout: string; stderr: string }) => ({ code: failure.code, output: `${failure.stdout}\n${failure.stderr}` }),
  );
  return { code: result.code, output: stripVTControlCharacters(result.output) };
}

/** That every file passed, none skipped and nothing left as todo. */
export function expectAllPassed({ code, output }: { code: number; output: string }, files: readonly string[]): void {
  const failed = output.split("\n").filter((line) => /^ *(FAIL|×) /.test(line)).join("\n");
  expect(code, `${failed}\n${output.slice(-4_000)}`).toBe(0);
  expect(output).toMatch(new RegExp(`Test Files +${files.length} passed \\(${files.length}\\)`));
  expect(output).not.toMatch(/skipped|todo/);
}
