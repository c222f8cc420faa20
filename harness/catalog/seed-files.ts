import { existsSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { StackError } from "../errors.ts";

/** One statement of a seed file, with the line it starts on (1-based). */
interface SeedStatement {
  line: number;
  text: string;
}

/** How a seed language quotes and comments, so that a `;` inside a string or a comment does not end a statement. */
interface Dialect {
  quotes: string[];
  lineComments: string[];
  /** Postgres dollar quoting: $$ ... $$ and $tag$ ... $tag$. */
  dollarQuotes?: boolean;
  /** Whether a backslash escapes inside quotes (Cypher); in SQL only a doubled quote does. */
  backslashEscapes?: boolean;
}

export const sqlDialect: Dialect = { quotes: ["'", '"'], lineComments: ["--"], dollarQuotes: true };
export const cypherDialect: Dialect = { quotes: ["'", '"', "`"], lineComments: ["//"], backslashEscapes: true };

/** The statements of a file, split at each `;` outside quotes and comments; blank and comment-only statements are dropped. */
export async function statementsOf(file: string, dialect: Dialect): Promise<SeedStatement[]> {
  const text = await readFile(resolve(file), "utf8");
  const statements: SeedStatement[] = [];
  let start = 0;
  let index = 0;
  const push = (end: number) => {
    const raw = text.slice(start, end);
    const lead = leadingSpace(raw, dialect);
    if (withoutComments(raw, dialect).trim()) statements.push({ line: lineAt(text, start + lead), text: raw.slice(lead).trim() });
    start = end + 1;
  };
  while (index < text.length) {
    const rest = text.slice(index);
    const comment = dialect.lineComments.find((marker) => rest.startsWith(marker));
    if (comment) {
      index = endOfLine(text, index);
    } else if (rest.startsWith("/*")) {
      const end = text.indexOf("*/", index + 2);
      index = end === -1 ? text.length : end + 2;
    } else if (dialect.quotes.includes(text[index]!)) {
      index = endOfQuote(text, index, dialect.backslashEscapes ?? false);
    } else if (dialect.dollarQuotes && /^\$[A-Za-z_]*\$/.test(rest)) {
      const tag = /^\$[A-Za-z_]*\$/.exec(rest)![0];
      const end = text.indexOf(tag, index + tag.length);
      index = end === -1 ? text.length : end + tag.length;
    } else {
      if (text[index] === ";") push(index);
      index++;
    }
  }
  push(text.length);
  return statements;
}

/** A seed file that is missing or not a file, as the problem to report; undefined when it is there. */
export function missingFile(file: unknown): string | undefined {
  if (typeof file !== "string" || file.trim() === "") return `names no file (${JSON.stringify(file)})`;
  if (!existsSync(resolve(file))) return `names ${file}, which does not exist (relative paths start at ${process.cwd()})`;
  if (!statSync(resolve(file)).isFile()) return `names ${file}, which is not a file`;
  return undefined;
}

/** The problem with a seed of the shape `{ <key>: [files] }`, or undefined when it has that shape and the files are there. */
export function fileListProblem(seed: unknown, key: string): string | undefined {
  const files = (seed as Record<string, unknown> | null)?.[key];
  if (typeof seed !== "object" || seed === null || Array.isArray(seed) || !Array.isArray(files)) return `must be { ${key}: [files] }`;
  const extra = Object.keys(seed).find((other) => other !== key);
  if (extra) return `takes \`${key}\`, not \`${extra}\``;
  return files.map(missingFile).find(Boolean)?.replace(/^/, `\`${key}\` `);
}

/** The error of a seed that failed: the service, the file, the line and the statement, and the cause. */
export function seedFailure(service: string, where: { file: string; line?: number; statement?: string }, cause: unknown): StackError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  const at = where.line === undefined ? where.file : `${where.file}:${where.line}`;
  const statement = where.statement === undefined ? "" : ` in the statement ${JSON.stringify(excerpt(where.statement))}`;
  return new StackError({
    code: "seed-failed",
    service,
    problem: `could not apply its seed ${at}${statement}: ${reason}.`,
    fix: `correct ${at}; the stack was removed, so boot again once it is fixed.`,
    cause,
  });
}

function excerpt(statement: string): string {
  const oneLine = statement.replace(/\s+/g, " ");
  return oneLine.length > 120 ? `${oneLine.slice(0, 117)}...` : oneLine;
}

function withoutComments(text: string, dialect: Dialect): string {
  let result = text;
  for (const marker of dialect.lineComments) result = result.replace(new RegExp(`${escapeRegExp(marker)}[^\\n]*`, "g"), "");
  return result.replace(/\/\*[\s\S]*?\*\//g, "");
}

/** Characters before the statement's first word: blank space and whole comment lines. */
function leadingSpace(raw: string, dialect: Dialect): number {
  const match = new RegExp(`^(?:\\s|${dialect.lineComments.map((marker) => `${escapeRegExp(marker)}[^\\n]*`).join("|")})*`).exec(raw);
  return match?.[0].length ?? 0;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

function endOfLine(text: string, from: number): number {
  const end = text.indexOf("\n", from);
  return end === -1 ? text.length : end;
}

/** The index after a quoted string; a doubled quote escapes, and a backslash where the dialect says so. */
function endOfQuote(text: string, from: number, backslashEscapes: boolean): number {
  const quote = text[from]!;
  let index = from + 1;
  while (index < text.length) {
    if (backslashEscapes && text[index] === "\\") index += 2;
    else if (text[index] === quote && text[index + 1] === quote) index += 2;
    else if (text[index] === quote) return index + 1;
    else index++;
  }
  return index;
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let index = 0; index < offset && index < text.length; index++) if (text[index] === "\n") line++;
  return line;
}
