/** A failure of the harness, worded as: which service, what went wrong, how to fix it. */
export class StackError extends Error {
  readonly service: string | undefined;
  readonly fix: string;

  constructor(options: { service?: string; problem: string; fix: string; details?: string; cause?: unknown }) {
    const subject = options.service ? `${options.service}: ` : "";
    const details = options.details ? `\n${options.details}` : "";
    super(`[stack-harness] ${subject}${options.problem}\nFix: ${options.fix}${details}`, { cause: options.cause });
    this.name = "StackError";
    this.service = options.service;
    this.fix = options.fix;
  }
}
