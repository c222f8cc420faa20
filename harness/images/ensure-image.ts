import { ImageName, type ContainerRuntimeClient } from "testcontainers";
import { specOf, type ServiceName } from "../catalog/catalog.ts";
import { withMachineLock } from "../common/machine-lock.ts";
import { StackError } from "../errors.ts";
import { buildLookalikeImages } from "./lookalike-build.ts";
import { imagePresent } from "./image-present.ts";
import { lookalikeBuildCommand, lookalikeImage } from "./lookalike.ts";

/** The longest a look-alike build on first use may take (Ollama's, from nothing: about 5 minutes on 2 cores). */
const buildTimeoutMs = 30 * 60_000;

/** Makes sure the image is on the engine: present, built (a look-alike) or pulled. */
export async function ensureImage(
  engine: ContainerRuntimeClient,
  service: ServiceName,
  image: string,
  onPull: () => void,
): Promise<void> {
  const imageName = ImageName.fromString(image);
  if (await imagePresent(engine, image)) return;
  if (image === lookalikeImage(specOf(service))) return buildOnFirstUse(engine, service, imageName);
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
        "or use the look-alike images (STACK_HARNESS_IMAGES=lookalike, built on first use).",
      cause: error,
    });
  }
}

/** One build at a time on this machine: parallel boots wait for it and find the image. */
async function buildOnFirstUse(engine: ContainerRuntimeClient, service: ServiceName, image: ImageName): Promise<void> {
  await withMachineLock("stack-harness-lookalike-build", buildTimeoutMs, async () => {
    if (await imagePresent(engine, image.string)) return;
    console.error(`stack-harness: building the look-alike image ${image.string} on first use (\`${lookalikeBuildCommand}\` builds them all)`);
    await buildLookalikeImages([service], (line) => console.error(`stack-harness: ${line}`));
  });
}
