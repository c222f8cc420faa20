import type { ContainerRuntimeClient } from "testcontainers";
import { imagePresent } from "./image-present.ts";
import { registriesAnswering, registryOf } from "./registries.ts";
import type { ImageChoice, ImageTrack } from "./track.ts";

/**
 * The track of `images: "auto"`: the upstream images when each is on the engine already or its
 * registry answers, else the look-alike images, all of them (one track per stack: the Spark pair
 * must match, and the default model follows the track). Says which registries did not answer,
 * once per probe.
 */
export async function autoTrack(engine: ContainerRuntimeClient, upstreamImages: readonly string[]): Promise<ImageTrack> {
  const missing = [];
  for (const image of new Set(upstreamImages)) if (!(await imagePresent(engine, image))) missing.push(image);
  if (missing.length === 0) return "upstream";
  const answers = await registriesAnswering([...new Set(missing.map(registryOf))], sayWhenSilent);
  return Object.values(answers).every(Boolean) ? "upstream" : "lookalike";
}

/** The track a choice comes to: itself, or for "auto" what autoTrack() decides of these upstream images. */
export async function decideTrack(choice: ImageChoice, engine: ContainerRuntimeClient, upstreamImages: readonly string[]): Promise<ImageTrack> {
  return choice === "auto" ? autoTrack(engine, upstreamImages) : choice;
}

function sayWhenSilent(answers: Record<string, boolean>): void {
  const silent = Object.keys(answers).filter((host) => !answers[host]);
  if (silent.length === 0) return;
  console.error(
    `stack-harness: no answer from ${silent.join(", ")}: booting the look-alike images, each built on first use ` +
      "(STACK_HARNESS_IMAGES=upstream or lookalike chooses).",
  );
}
