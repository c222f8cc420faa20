import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { serviceNames } from "../harness/catalog/catalog.ts";

const cli = fileURLToPath(new URL("../harness/cli.ts", import.meta.url));

async function doctor(env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [cli, "doctor"], { env });
    return { code: 0, output: stdout };
  } catch (error) {
    const failed = error as { code: number; stdout: string };
    return { code: failed.code, output: failed.stdout };
  }
}

describe("stack-harness doctor", () => {
  it("checks the engine, Node, memory, vm.max_map_count, which registries answer, the image track and the image of every service", async () => {
    const { code, output } = await doctor(process.env);
    expect(code, output).toBe(0);
    expect(output).toMatch(/^ok +Docker engine +Docker \S+ on /m);
    expect(output).toMatch(new RegExp(`^ok +Node\\.js +${process.versions.node.replaceAll(".", "\\.")} \\(>= 22\\.22\\)$`, "m"));
    expect(output).toMatch(/^(ok|warn) +free memory +\d+\.\d GiB free/m);
    expect(output).toMatch(/^(ok|warn) +vm\.max_map_count /m);
    for (const registry of ["registry-1.docker.io", "docker.elastic.co"]) expect(output).toMatch(new RegExp(`^(ok +registry ${registry} +answers|warn +registry ${registry} +no answer within 3 s)$`, "m"));
    expect(output).toMatch(/^ok +image track +(upstream|lookalike) \((auto|STACK_HARNESS_IMAGES)\)$/m);
    for (const name of serviceNames) expect(output).toMatch(new RegExp(`^(ok|warn) +image of ${name} +\\S+ (present|missing)$`, "m"));
  });

  it("fails when the engine is unreachable, with the fix", async () => {
    const { code, output } = await doctor({ ...process.env, DOCKER_HOST: "tcp://127.0.0.1:1" });
    expect(code).toBe(1);
    expect(output).toMatch(/^fail +Docker engine +not reachable\n +fix: start a Docker engine/m);
  });
});
