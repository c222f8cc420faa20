import { afterAll, beforeAll } from "vitest";
import { serviceNames, type ServiceName } from "../../harness/catalog/catalog.ts";
import { bootStack, type BootOptions, type Stack } from "../../harness/index.ts";
import type { ImageTrack } from "../../harness/images/track.ts";

/** The services a test run covers: STACK_HARNESS_SERVICES (comma-separated), else the whole catalog. */
export const servicesUnderTest: ServiceName[] = process.env.STACK_HARNESS_SERVICES
  ? (process.env.STACK_HARNESS_SERVICES.split(",").map((name) => name.trim()) as ServiceName[])
  : serviceNames;

/**
 * Boots the services under test (or the given ones, with further options) once for the spec file and removes them after
 * it; the boot times and the stack's memory after boot are attached to the file's report entry.
 */
export function useStack(services: readonly ServiceName[] = servicesUnderTest, options: Omit<BootOptions, "services"> = {}): () => Stack {
  let stack: Stack | undefined;
  beforeAll(async ({}, file) => {
    stack = await bootStack({ ...options, services });
    file.meta.bootMs = { ...stack.bootMs };
    file.meta.track = stack.track;
    const memory = await Promise.all(stack.services.map((name) => stack!.memoryBytes(name)));
    file.meta.memoryBytes = memory.reduce((sum, bytes) => sum + bytes, 0);
  });
  afterAll(async () => {
    await stack?.stop();
  });
  return () => {
    if (!stack) throw new Error("the stack did not boot; see the beforeAll error");
    return stack;
  };
}

declare module "vitest" {
  interface TaskMeta {
    bootMs?: Partial<Record<ServiceName, number>>;
    /** The image track the stack ran on. */
    track?: ImageTrack;
    /** Sum of the containers' resident memory right after the boot. */
    memoryBytes?: number;
  }
}
