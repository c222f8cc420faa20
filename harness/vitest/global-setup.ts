import type { TestProject } from "vitest/node";
import { bootStack } from "../boot/boot-stack.ts";
import { StackError } from "../errors.ts";
import { serveControl } from "./control-server.ts";

/** vitest globalSetup of the preset: boots the stack, provides its description, and returns the teardown. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const { slices, ...options } = project.getProvidedContext().stackHarnessOptions ?? {};
  if (slices !== undefined && !["file", "test", "off"].includes(slices)) {
    throw new StackError({
      code: "invalid-option",
      problem: `\`slices\` must be "file", "test" or "off", not ${JSON.stringify(slices)}.`,
      fix: 'pass stackHarness({ slices: "test" }), or leave it out for a slice reset before each file.',
    });
  }
  const stack = await bootStack(options);
  const control = await serveControl(stack);
  project.provide("stack", control.describe());
  // On Ctrl-C vitest exits at once; the stack's reaper process removes it then.
  return async () => {
    control.server.close();
    await stack.stop();
  };
}
