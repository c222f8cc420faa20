import type { ContainerRuntimeClient } from "testcontainers";

/**
 * Podman runs a container's healthcheck from a systemd timer; where there is no systemd (a
 * container, WSL, this project's CI machine) no check ever runs and the status stays "starting".
 * So on Podman the harness runs the checks itself, for the container's life: one at a time, each
 * through Podman's own API (`/libpod/containers/{id}/healthcheck`, what `podman healthcheck run`
 * does), so the engine updates the status, streak and log it reports as its timer would. Returns
 * the function that stops them; they also stop once the container is gone.
 */
export function runPodmanHealthchecks(engine: ContainerRuntimeClient, containerId: string, intervalMs: number): () => void {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const next = () => {
    if (stopped) return;
    timer = setTimeout(() => void check().then(next), intervalMs);
    timer.unref();
  };
  const check = async () => {
    const status = await runHealthcheck(engine, containerId);
    // 404: the container is gone. Other failures (a container restarting: 409) just wait for the next turn.
    if (status === 404) stopped = true;
  };
  void check().then(next);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

/** Podman routes its own API under a version (the unversioned path answers 404); 4.0.0 is the oldest it serves. */
const libpodApi = "/v4.0.0/libpod";

/** Runs the container's healthcheck once; the HTTP status of Podman's answer. */
function runHealthcheck(engine: ContainerRuntimeClient, containerId: string): Promise<number> {
  return new Promise((resolve) => {
    engine.container.dockerode.modem.dial(
      { path: `${libpodApi}/containers/${containerId}/healthcheck`, method: "GET", statusCodes: { 200: true }, options: {} },
      (error: (Error & { statusCode?: number }) | null) => resolve(error ? (error.statusCode ?? 0) : 200),
    );
  });
}
