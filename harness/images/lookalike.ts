import type { ServiceSpec } from "../catalog/service-spec.ts";

/** The command that builds every look-alike image. */
export const lookalikeBuildCommand = "npm run images";

export function lookalikeRecipe(spec: ServiceSpec): string {
  return spec.lookalike.recipe ?? spec.name;
}

/** The tag `npm run images` gives the image built from images/<recipe>. */
export function lookalikeTag(recipe: string): string {
  return `stack-harness/${recipe}:lookalike`;
}

export function lookalikeImage(spec: ServiceSpec): string {
  return lookalikeTag(lookalikeRecipe(spec));
}
