import type { ContainerRuntimeClient } from "testcontainers";

/**
 * Whether the engine holds the image now. Asks the engine each time: testcontainers'
 * `image.exists` remembers an image it once saw, also after it was removed.
 */
export async function imagePresent(engine: ContainerRuntimeClient, image: string): Promise<boolean> {
  return engine.container.dockerode.getImage(image).inspect().then(
    () => true,
    () => false,
  );
}
