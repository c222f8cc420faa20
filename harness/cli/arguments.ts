import { StackError } from "../errors.ts";

/** What a command takes: its flags (a switch, or one followed by its value) and how many plain arguments. */
export interface CommandShape {
  /** The command as the usage shows it, e.g. `check-compose [file] [--json]`. */
  synopsis: string;
  flags?: Record<string, "switch" | "value">;
  mostArguments: number;
}

export interface ParsedArguments {
  plain: string[];
  flags: Map<string, string | true>;
}

/** The command's arguments, or an `invalid-arguments` error naming what it does not take and its synopsis. */
export function parseArguments(command: string, shape: CommandShape, args: readonly string[]): ParsedArguments {
  const refuse = (problem: string) => new StackError({ code: "invalid-arguments", problem, fix: `run stack-harness ${shape.synopsis}.` });
  const plain: string[] = [];
  const flags = new Map<string, string | true>();
  for (let index = 0; index < args.length; index++) {
    const arg = args[index]!;
    if (!arg.startsWith("-") || arg === "-") {
      plain.push(arg);
      continue;
    }
    const [name, inline] = arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    const kind = shape.flags?.[name];
    if (!kind) {
      const known = Object.keys(shape.flags ?? {});
      throw refuse(`${command} does not take ${name}${known.length ? ` (it takes ${known.join(", ")})` : " (it takes no flags)"}.`);
    }
    if (kind === "switch") {
      if (inline !== undefined) throw refuse(`${name} takes no value, not "${inline}".`);
      flags.set(name, true);
      continue;
    }
    const value = inline ?? args[++index];
    if (value === undefined || value === "" || value.startsWith("-")) throw refuse(`${name} needs a value.`);
    flags.set(name, value);
  }
  if (plain.length > shape.mostArguments) {
    const extra = plain.slice(shape.mostArguments).map((arg) => `"${arg}"`).join(" ");
    throw refuse(`${command} takes ${shape.mostArguments === 0 ? "no arguments" : `at most ${shape.mostArguments} argument`}, not also ${extra}.`);
  }
  return { plain, flags };
}
