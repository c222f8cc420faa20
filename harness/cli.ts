#!/usr/bin/env node
import "./common/supported-node.js";
import { StackError } from "./errors.ts";
import { main } from "./cli/main.ts";

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof StackError ? error.message : error);
  process.exitCode = 1;
});
