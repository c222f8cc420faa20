import { ImageName, type ContainerRuntimeClient } from "testcontainers";
import { specOf, type ServiceName } from "../catalog/catalog.ts";
import { StackError } from "../errors.ts";
import { lookalikeBuildCommand, lookalikeImage } from "./lookalike.ts";
import type { ImageTrack } from "./track.ts";

/** Makes sure the image is on the engine: present, or pulled; a missing look-alike names its build command. */
export async function ensureImage(
  engine: ContainerRuntimeClient,
  service: ServiceName,
  image: string,
  track: ImageTrack,
  onPull: () => void,
): Promise<void> {
  const imageName = ImageName.fromString(image);
  if (await engine.image.exists(imageName)) return;
  if (track === "lookalike" && image === lookalikeImage(specOf(service))) {
    throw new StackError({
      code: "image-not-built",
      service,
      problem: `the look-alike image ${image} is not built.`,
      fix: `run \`${lookalikeBuildCommand}\` (builds every look-alike image), or use the upstream images (STACK_HARNESS_IMAGES=upstream).`,
    });
  }
  onPull();
  try {
    await engine.image.pull(imageName);
  } catch (error) {
    throw new StackError({
      code: "image-pull-failed",
      service,
      problem: `the image ${image} is not present and could not be pulled (${String(error).split("\n")[0]?.trim()}).`,
      fix:
        "check the image name and that its registry is reachable; set STACK_HARNESS_REGISTRY to a mirror, " +
        `or build the look-alikes with \`${lookalikeBuildCommand}\` and set STACK_HARNESS_IMAGES=lookalike.`,
      cause: error,
    });
  }
}
