import type { ServiceSpec } from "../catalog/service-spec.ts";
import { StackError } from "../errors.ts";
import { lookalikeImage } from "./lookalike.ts";

/** Which images a stack runs: the pinned upstream ones, or the look-alikes built by `npm run images`. */
export type ImageTrack = "upstream" | "lookalike";

/** `STACK_HARNESS_IMAGE_PGVECTOR`, `STACK_HARNESS_IMAGE_SPARK_MASTER`, ... */
export function imageOverrideVariable(spec: ServiceSpec): string {
  return `STACK_HARNESS_IMAGE_${spec.name.toUpperCase().replaceAll("-", "_")}`;
}

export function imageTrack(requested: ImageTrack | undefined, env: NodeJS.ProcessEnv = process.env): ImageTrack {
  const track = requested ?? env.STACK_HARNESS_IMAGES ?? "upstream";
  if (track !== "upstream" && track !== "lookalike") {
    throw new StackError({
      code: "invalid-option",
      problem: `unknown image track "${track}".`,
      fix: `set STACK_HARNESS_IMAGES (or the \`images\` option) to "upstream" or "lookalike".`,
    });
  }
  return track;
}

/** The image a service runs: its override variable, else the track's image (upstream behind STACK_HARNESS_REGISTRY). */
export function resolveImage(spec: ServiceSpec, track: ImageTrack, env: NodeJS.ProcessEnv = process.env): string {
  const override = env[imageOverrideVariable(spec)];
  if (override) return override;
  if (track === "lookalike") return lookalikeImage(spec);
  const registry = env.STACK_HARNESS_REGISTRY?.replace(/\/+$/, "");
  return registry ? `${registry}/${spec.upstreamImage}` : spec.upstreamImage;
}
