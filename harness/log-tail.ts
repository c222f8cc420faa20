import type { Readable } from "node:stream";

/** Keeps the last lines a container printed, so a failed start can show them after removal. */
export class LogTail {
  private readonly lines: string[] = [];
  private partial = "";
  private readonly limit: number;

  constructor(limit: number) {
    this.limit = limit;
  }

  follow(stream: Readable): void {
    stream.on("data", (chunk: Buffer | string) => this.push(chunk.toString()));
  }

  text(): string {
    return [...this.lines, ...(this.partial ? [this.partial] : [])].join("\n");
  }

  private push(text: string): void {
    const parts = (this.partial + text).split("\n");
    this.partial = parts.pop() ?? "";
    this.lines.push(...parts.map((line) => line.replace(/\r$/, "")));
    this.lines.splice(0, Math.max(0, this.lines.length - this.limit));
  }
}
