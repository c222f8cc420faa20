import { execFile, spawn, type ChildProcess } from "node:child_process";
import { promisify } from "node:util";

export interface ChildRun {
  child: ChildProcess;
  /** Its stdout and stderr so far, interleaved. */
  output(): string;
  exited: Promise<number | null>;
}

/** A Node script in another process, with its output collected. */
export function startNode(args: string[], env: NodeJS.ProcessEnv = process.env, cwd?: string): ChildRun {
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"], env, cwd });
  let output = "";
  const collect = (chunk: Buffer) => (output += chunk.toString());
  child.stdout!.on("data", collect);
  child.stderr!.on("data", collect);
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** Runs an ES module in another Node process, with this environment, and parses the last line it prints as JSON. */
export async function lastJsonLineOf(script: string, env: NodeJS.ProcessEnv): Promise<unknown> {
  const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script], { env });
  return JSON.parse(stdout.trim().split("\n").at(-1)!);
}
