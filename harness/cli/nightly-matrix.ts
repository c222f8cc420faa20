import { createHash } from "node:crypto";
import { serviceNames, specOf, type ServiceName } from "../catalog/catalog.ts";
import { withDependencies } from "../catalog/selection.ts";
import { imageOverrideVariable } from "../images/track.ts";
import { StackError } from "../errors.ts";
import { newestImage } from "../images/newest-tags.ts";

/** Which tag of each upstream image a nightly job runs: the catalog's pin, or the newest of the pin's line. */
export type TagChoice = "pinned" | "newest";

export const tagChoices: readonly TagChoice[] = ["pinned", "newest"];

/** One cell of the nightly matrix (besides the Node version): a service with its dependencies, on one tag choice. */
export interface NightlyTarget {
  service: ServiceName;
  tags: TagChoice;
  /** STACK_HARNESS_SERVICES: the service and everything it depends on. */
  services: string;
  /** The STACK_HARNESS_IMAGE_<SERVICE> variables that select the images. */
  images: Record<string, string>;
  /** The distinct images, space-separated, for `docker pull` and `docker save`. */
  pull: string;
  /** Names the cached `docker save` of exactly these images. */
  cacheKey: string;
}

/** Reads `--tags pinned`, `--tags newest` or `--tags pinned,newest` (the default: both). */
export function tagChoicesFrom(args: readonly string[]): TagChoice[] {
  if (args.length === 0) return [...tagChoices];
  const requested = args[0] === "--tags" && args.length === 2 ? args[1]!.split(",") : [];
  if (requested.length === 0 || !requested.every((choice) => (tagChoices as readonly string[]).includes(choice))) {
    throw new StackError({ code: "invalid-arguments", problem: `unknown arguments "${args.join(" ")}".`, fix: `use --tags with ${tagChoices.join(", ")} or both, comma-separated.` });
  }
  return requested as TagChoice[];
}

/** Every catalog service on every requested tag choice; newest tags are looked up once per image. */
export async function nightlyTargets(choices: readonly TagChoice[] = tagChoices): Promise<NightlyTarget[]> {
  const targets: NightlyTarget[] = [];
  for (const tags of choices) {
    const image = await imageResolver(tags);
    for (const service of serviceNames) {
      const services = withDependencies(service);
      const images = Object.fromEntries(services.map((name) => [imageOverrideVariable(specOf(name)), image(name)]));
      const pull = [...new Set(Object.values(images))].sort();
      const cacheKey = createHash("sha256").update(pull.join("\n")).digest("hex").slice(0, 16);
      targets.push({ service, tags, services: services.join(","), images, pull: pull.join(" "), cacheKey });
    }
  }
  return targets;
}

async function imageResolver(tags: TagChoice): Promise<(service: ServiceName) => string> {
  const pinned = (service: ServiceName) => specOf(service).upstreamImage;
  if (tags === "pinned") return pinned;
  const pins = [...new Set(serviceNames.map(pinned))];
  const newest = new Map(await Promise.all(pins.map(async (pin) => [pin, await newestImage(pin)] as const)));
  return (service) => newest.get(pinned(service))!;
}
