import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Podman's Docker-compatible API, served on a socket of its own. */
export interface PodmanEngine {
  /** DOCKER_HOST for it. */
  dockerHost: string;
  /** The environment podman commands need (its containers.conf). */
  env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

const dir = "/run/stack-harness-podman";
const socket = `${dir}/podman.sock`;
// Podman 4.3 sets the nofile and nproc limits of every container it starts, which this machine's
// container forbids: "error setting rlimits for ready process: error setting rlimit type 7 (then
// 6): operation not permitted", also with --ulimit host. Without default limits it starts them.
const containersConf = "[containers]\ndefault_ulimits = []\n";

/**
 * Starts `podman system service` (Debian's podman, as root: ./stack test and .ci/run install it) on
 * /run/stack-harness-podman/podman.sock, with the containers.conf this machine needs.
 */
export async function startPodman(): Promise<PodmanEngine> {
  if (process.getuid?.() !== 0) throw new Error("the Podman spec runs rootful Podman: run it as root, as CI does");
  const version = await run("podman", ["--version"]).then(({ stdout }) => stdout.trim(), () => "");
  if (!version) throw new Error("podman is not installed: on Debian, `apt-get install podman` (./stack test and .ci/run do it as root)");
  await mkdir(dir, { recursive: true });
  await writeFile(`${dir}/containers.conf`, containersConf);
  const env = { ...process.env, CONTAINERS_CONF: `${dir}/containers.conf` };
  const dockerHost = `unix://${socket}`;
  const service: ChildProcess = spawn("podman", ["system", "service", "--time=0", dockerHost], { env, stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  service.stderr!.on("data", (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4_000)));
  const exited = new Promise<number | null>((resolve) => service.on("exit", resolve));
  const deadline = Date.now() + 30_000;
  for (;;) {
    const up = await run("docker", ["-H", dockerHost, "version", "--format", "{{.Server.Version}}"]).then(() => true, () => false);
    if (up) break;
    if (service.exitCode !== null || Date.now() > deadline) {
      service.kill("SIGKILL");
      throw new Error(`${version}: its service did not answer on ${dockerHost} within 30 s:\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return {
    dockerHost,
    env,
    async stop() {
      service.kill("SIGTERM");
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 20_000))]);
      if (service.exitCode === null) service.kill("SIGKILL");
    },
  };
}

/** Copies images from this machine's Docker engine into Podman's store (`podman pull docker-daemon:`), skipping those it has by ID. */
export async function copyImagesToPodman(images: readonly string[], env: NodeJS.ProcessEnv): Promise<void> {
  for (const image of images) {
    const docker = await run("docker", ["image", "inspect", "--format", "{{.Id}}", image]).then(({ stdout }) => stdout.trim().replace(/^sha256:/, ""));
    const podman = await run("podman", ["image", "inspect", "--format", "{{.Id}}", image], { env }).then(({ stdout }) => stdout.trim(), () => "");
    if (docker !== podman) await run("podman", ["pull", "-q", `docker-daemon:${image}`], { env, maxBuffer: 2 ** 20 });
  }
}
