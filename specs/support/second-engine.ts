import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdir } from "node:fs/promises";
import { promisify } from "node:util";

const run = promisify(execFile);

/** A Docker engine of its own, reached over TCP like a remote one. */
export interface SecondEngine {
  /** DOCKER_HOST for it, e.g. tcp://10.215.0.2:23750. */
  dockerHost: string;
  /** The address of its host: its API and published ports are reached there. */
  address: string;
  stop(): Promise<void>;
}

// A network namespace of its own, joined to this machine by a veth pair: a host of its own, as a
// remote engine's is. In this machine's namespace a second dockerd deletes the first engine's
// docker0 at start (as it does with any --bridge but docker0), and the first engine's FORWARD
// policy, DROP, would drop the traffic between its containers.
const namespace = "stack-harness-engine2";
const hostSide = { name: "sh-engine2", address: "10.215.0.1" };
const engineSide = { name: "eth0", address: "10.215.0.2" };
const port = 23750;
const root = "/var/lib/stack-harness-engine2";
const execRoot = "/run/stack-harness-engine2";
// dockerd waits this long before it serves TCP without TLS ("Startup is intentionally being slowed down").
const answerWithinMs = 60_000;

/**
 * Starts a second dockerd (root and Debian's docker.io, as .ci/run brings) in a network namespace
 * made here, with its own data root, exec root and containerd, its API on tcp://10.215.0.2:23750.
 * Its data root is kept between runs, so images loaded once stay.
 */
export async function startSecondEngine(): Promise<SecondEngine> {
  if (process.getuid?.() !== 0) throw new Error("a second Docker engine needs root (it runs dockerd in a network namespace); run the spec as root, as CI does");
  await removeNamespace();
  await run("ip", ["netns", "add", namespace]);
  const inNamespace = (...args: string[]) => run("ip", ["-n", namespace, ...args]);
  await run("ip", ["link", "add", hostSide.name, "type", "veth", "peer", "name", engineSide.name, "netns", namespace]);
  await run("ip", ["addr", "add", `${hostSide.address}/30`, "dev", hostSide.name]);
  await run("ip", ["link", "set", hostSide.name, "up"]);
  await inNamespace("addr", "add", `${engineSide.address}/30`, "dev", engineSide.name);
  await inNamespace("link", "set", engineSide.name, "up");
  await inNamespace("link", "set", "lo", "up");
  await mkdir(root, { recursive: true });
  const dockerHost = `tcp://${engineSide.address}:${port}`;
  // nsenter enters the network namespace alone: `ip netns exec` would also mount a new /sys, which
  // hides the cgroup mounts dockerd needs ("Devices cgroup isn't mounted").
  const daemon: ChildProcess = spawn(
    "nsenter",
    [`--net=/var/run/netns/${namespace}`, "dockerd", `--data-root=${root}/data`, `--exec-root=${execRoot}`, `--pidfile=${execRoot}.pid`, `--host=${dockerHost}`, "--log-level=warn"],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let log = "";
  daemon.stderr!.on("data", (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4_000)));
  const exited = new Promise<number | null>((resolve) => daemon.on("exit", resolve));
  const stop = async () => {
    daemon.kill("SIGTERM");
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 20_000))]);
    if (daemon.exitCode === null) daemon.kill("SIGKILL");
    await removeNamespace();
  };
  const deadline = Date.now() + answerWithinMs;
  for (;;) {
    const up = await run("docker", ["-H", dockerHost, "info", "--format", "{{.ServerVersion}}"]).then(() => true, () => false);
    if (up) break;
    if (daemon.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`the second dockerd did not answer on ${dockerHost} within ${answerWithinMs / 1000} s:\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { dockerHost, address: engineSide.address, stop };
}

/** Removes the namespace and this machine's end of the veth pair, left by an earlier run too. */
async function removeNamespace(): Promise<void> {
  await run("ip", ["netns", "del", namespace]).catch(() => {});
  await run("ip", ["link", "del", hostSide.name]).catch(() => {});
}

/** Copies images from this machine's engine to another (docker save | docker load), skipping those it has by ID. */
export async function copyImages(images: readonly string[], dockerHost: string): Promise<void> {
  for (const image of images) {
    const id = async (host?: string) =>
      run("docker", [...(host ? ["-H", host] : []), "image", "inspect", "--format", "{{.Id}}", image]).then(({ stdout }) => stdout.trim(), () => "");
    if ((await id()) === (await id(dockerHost))) continue;
    await new Promise<void>((resolve, reject) => {
      const save = spawn("docker", ["save", image], { stdio: ["ignore", "pipe", "inherit"] });
      const load = spawn("docker", ["-H", dockerHost, "load", "-q"], { stdio: ["pipe", "ignore", "inherit"] });
      save.stdout.pipe(load.stdin);
      load.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`docker load of ${image} into ${dockerHost} exited with ${code}`))));
    });
  }
}
