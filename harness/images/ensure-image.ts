import { ImageName, type ContainerRuntimeClient } from "testcontainers";
import { specOf, type ServiceName } from "../catalog/catalog.ts";
import { withMachineLock } from "../common/machine-lock.ts";
import { StackError } from "../errors.ts";
import { buildLookalikeImages } from "./lookalike-build.ts";
import { imagePresent } from "./image-present.ts";
import { faultProxyImage } from "./fault-proxy-image.ts";
import { lookalikeBuildCommand, lookalikeImage, lookalikeTag } from "./lookalike.ts";

/** The longest a look-alike build on first use may take (Ollama's, from nothing: about 5 minutes on 2 cores). */
const buildTimeoutMs = 30 * 60_000;

/** Makes sure the image is on the engine: present, built (a look-alike) or pulled. */
export async function ensureImage(
  engine: ContainerRuntimeClient,
  service: ServiceName,
  image: string,
  onPull: () => void,
): Promise<void> {
  const lookalike = image === lookalikeImage(specOf(service));
  return ensure(engine, service, image, lookalike ? () => buildLookalikeImages([service], printBuild) : undefined, onPull);
}

/** The same for the fault proxy's image (see BootOptions.faultProxy). */
export async function ensureFaultProxyImage(engine: ContainerRuntimeClient, image: string): Promise<void> {
  const lookalike = image === lookalikeTag(faultProxyImage.recipe);
  return ensure(engine, faultProxyImage.recipe, image, lookalike ? () => buildLookalikeImages([], printBuild, { faultProxy: true }) : undefined, () => {});
}

async function ensure(engine: ContainerRuntimeClient, label: string, image: string, build: (() => Promise<void>) | undefined, onPull: () => void): Promise<void> {
  const imageName = ImageName.fromString(image);
  if (await imagePresent(engine, image)) return;
  if (build) return buildOnFirstUse(engine, imageName, build);
  onPull();
  try {
    await engine.image.pull(imageName);
  } catch (error) {
    throw new StackError({
      code: "image-pull-failed",
      service: label,
      problem: `the image ${image} is not present and could not be pulled (${String(error).split("\n")[0]?.trim()}).`,
      fix:
        "check the image name and that its registry is reachable; set STACK_HARNESS_REGISTRY to a mirror, " +
        "or use the look-alike images (STACK_HARNESS_IMAGES=lookalike, built on first use).",
      cause: error,
    });
  }
}

const printBuild = (line: string) => console.error(`stack-harness: ${line}`);

/** One build at a time on this machine: parallel boots wait for it and find the image. */
async function buildOnFirstUse(engine: ContainerRuntimeClient, image: ImageName, build: () => Promise<void>): Promise<void> {
  await withMachineLock("stack-harness-lookalike-build", buildTimeoutMs, async () => {
    if (await imagePresent(engine, image.string)) return;
    console.error(`stack-harness: building the look-alike image ${image.string} on first use (\`${lookalikeBuildCommand}\` builds them all)`);
    await build();
  });
}
