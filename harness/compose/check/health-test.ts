import type { HealthTest } from "./compose-model.ts";

/** Shell words that are not programs the image must contain. */
const shellWords = new Set(["exec", "exit", "test", "[", "true", "false", "echo", "printf", "read", "if", "then", "else", "fi", "!", "cd", "export"]);

/** The programs a healthcheck starts: CMD's first word, or the first word of each piece of a shell command. */
export function programsOf(test: HealthTest): string[] {
  if ("exec" in test) return test.exec[0] ? [test.exec[0]] : [];
  const pieces = test.shell.split(/\|\||&&|[|;()]/);
  const programs = pieces.flatMap((piece) => {
    const words = piece.trim().split(/\s+/).filter((word) => word && !/^\w+=/.test(word) && !/^\d*[<>&]/.test(word));
    const first = words[0];
    return first && !shellWords.has(first) && /^[\w./-]+$/.test(first) ? [first] : [];
  });
  return [...new Set(programs)];
}

/** The command line to run the test in a container. */
export function commandOf(test: HealthTest): string[] {
  return "exec" in test ? test.exec : ["sh", "-c", test.shell];
}

export function describeTest(test: HealthTest): string {
  return "exec" in test ? JSON.stringify(["CMD", ...test.exec]) : test.shell;
}
