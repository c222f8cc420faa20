import { behindRegistry, type ImageTrack } from "./track.ts";
import { lookalikeTag } from "./lookalike.ts";

/**
 * The fault proxy's image (Toxiproxy, see BootOptions.faultProxy): not a service of the stack,
 * so not in the catalog, but chosen like one: STACK_HARNESS_IMAGE_FAULT_PROXY, else the track's.
 */
export const faultProxyImage = {
  recipe: "fault-proxy",
  upstreamImage: "ghcr.io/shopify/toxiproxy:2.12.0",
  overrideVariable: "STACK_HARNESS_IMAGE_FAULT_PROXY",
  /** The port of its HTTP API. */
  apiPort: 8474,
  lookalike: {
    version: "2.12.0",
    differences: ["built here with Go 1.26 from the Go module proxy's `github.com/Shopify/toxiproxy/v2` v2.12.0 (upstream: the release build of the same tag)"],
    alike: "the same release: `/toxiproxy` and `/toxiproxy-cli` alone in an empty image (no shell), `-host=0.0.0.0`, the API on 8474",
  },
} as const;

/** The image the fault proxy runs on a track. */
export function resolveFaultProxyImage(track: ImageTrack, env: NodeJS.ProcessEnv = process.env): string {
  const override = env[faultProxyImage.overrideVariable];
  if (override) return override;
  if (track === "lookalike") return lookalikeTag(faultProxyImage.recipe);
  return behindRegistry(faultProxyImage.upstreamImage, env);
}
