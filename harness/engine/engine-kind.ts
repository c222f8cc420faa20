import type { ContainerRuntimeClient } from "testcontainers";

const podman = new WeakMap<ContainerRuntimeClient, Promise<boolean>>();

/** Whether the engine is Podman's Docker-compatible API: its version names a "Podman Engine" component. */
export function isPodman(engine: ContainerRuntimeClient): Promise<boolean> {
  let answer = podman.get(engine);
  if (!answer) {
    answer = engine.container.dockerode.version().then(
      (version) => (version.Components ?? []).some((component) => /podman/i.test(component.Name)),
      () => false,
    );
    podman.set(engine, answer);
  }
  return answer;
}

/**
 * The TCP ports the image EXPOSEs, where the engine is Podman; none elsewhere. Podman lists each
 * such port among a container's port bindings even when nothing publishes it, and testcontainers
 * then waits 10 s for it to be bound and fails ("Timed out after 10000ms while waiting for container
 * ports to be bound to the host", testcontainers-node #1108): on Podman they are published too.
 */
export async function portsPodmanBinds(engine: ContainerRuntimeClient, image: string): Promise<number[]> {
  if (!(await isPodman(engine))) return [];
  const { Config: config } = await engine.container.dockerode.getImage(image).inspect();
  return Object.keys(config.ExposedPorts ?? {})
    .filter((port) => port.endsWith("/tcp"))
    .map((port) => Number.parseInt(port, 10));
}
