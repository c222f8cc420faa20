import type { ServiceSpec } from "../catalog/service-spec.ts";
import { StackError } from "../errors.ts";
import { lookalikeImage } from "./lookalike.ts";

/** Which images a stack runs: the pinned upstream ones, or the look-alikes built from packages. */
export type ImageTrack = "upstream" | "lookalike";

/** What a boot asks for: a track, or `auto` (the default), decided per boot by autoTrack(). */
export type ImageChoice = ImageTrack | "auto";

const choices: readonly ImageChoice[] = ["auto", "upstream", "lookalike"];

/** The `images` option, else STACK_HARNESS_IMAGES, else "auto"; anything else is refused. */
export function imageChoice(requested: ImageChoice | undefined, env: NodeJS.ProcessEnv = process.env): ImageChoice {
  const choice = requested ?? env.STACK_HARNESS_IMAGES ?? "auto";
  if (!choices.includes(choice as ImageChoice)) {
    throw new StackError({
      code: "invalid-option",
      problem: `unknown image track "${choice}".`,
      fix: `set STACK_HARNESS_IMAGES (or the \`images\` option) to "auto", "upstream" or "lookalike".`,
    });
  }
  return choice as ImageChoice;
}

/** `STACK_HARNESS_IMAGE_PGVECTOR`, `STACK_HARNESS_IMAGE_SPARK_MASTER`, ... */
export function imageOverrideVariable(spec: ServiceSpec): string {
  return `STACK_HARNESS_IMAGE_${spec.name.toUpperCase().replaceAll("-", "_")}`;
}

/** The image a service runs: its override variable, else the track's image (upstream behind STACK_HARNESS_REGISTRY). */
export function resolveImage(spec: ServiceSpec, track: ImageTrack, env: NodeJS.ProcessEnv = process.env): string {
  const override = env[imageOverrideVariable(spec)];
  if (override) return override;
  if (track === "lookalike") return lookalikeImage(spec);
  return behindRegistry(spec.upstreamImage, env);
}

/** An upstream image, behind the mirror STACK_HARNESS_REGISTRY names, if it names one. */
export function behindRegistry(image: string, env: NodeJS.ProcessEnv = process.env): string {
  const registry = env.STACK_HARNESS_REGISTRY?.replace(/\/+$/, "");
  return registry ? `${registry}/${image}` : image;
}
