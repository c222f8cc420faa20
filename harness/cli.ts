#!/usr/bin/env node
import "./common/supported-node.js";
import { StackError } from "./errors.ts";
import { main } from "./cli/main.ts";

main(process.argv.slice(2)).catch((error: unknown) => {
  // Never a stack trace: bad arguments in one line with the fix, a harness failure as it words itself.
  if (error instanceof StackError && error.code === "invalid-arguments") console.error(`stack-harness: ${error.problem} Fix: ${error.fix}`);
  else if (error instanceof StackError) console.error(error.message);
  else console.error(`stack-harness: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = error instanceof StackError && error.code === "invalid-arguments" ? 2 : 1;
});
