import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdir } from "node:fs/promises";
import { promisify } from "node:util";

const run = promisify(execFile);

/** A Docker engine of its own, reached over TCP like a remote one. */
export interface SecondEngine {
  /** DOCKER_HOST for it, e.g. tcp://127.0.0.2:23750. */
  dockerHost: string;
  /** The address its published ports are reached on. */
  address: string;
  stop(): Promise<void>;
}

// Loopback, yet not 127.0.0.1: an endpoint naming it proves it came from the engine's address.
const address = "127.0.0.2";
const port = 23750;
const root = "/var/lib/stack-harness-second-engine";
const execRoot = "/run/stack-harness-second-engine";
// Its own default bridge. (--bridge=none would not do: a dockerd without one deletes the host's
// docker0, the first engine's bridge, at start.)
const bridge = "sh-docker1";
const bridgeAddress = "10.214.0.1/24";
const addressPool = "10.213.0.0/16";
// The first engine sets the FORWARD policy to DROP and has bridged frames pass iptables
// (bridge-nf-call-iptables), so without this rule the second engine's containers, which it leaves
// unruled (--iptables=false), do not reach each other, by name or by address.
const forwardRule = ["FORWARD", "-s", addressPool, "-d", addressPool, "-m", "comment", "--comment", "stack-harness second engine", "-j", "ACCEPT"];

/**
 * Starts a second dockerd on this machine (root and Debian's docker.io, as .ci/run brings): its own
 * data root, exec root and containerd, its own default bridge and address pool apart from the first
 * engine's, no iptables rules of its own (one FORWARD rule lets its containers reach each other), its API on tcp://127.0.0.2:23750 and nowhere else. Its data root is
 * kept between runs, so images loaded once stay.
 */
export async function startSecondEngine(): Promise<SecondEngine> {
  const dockerHost = `tcp://${address}:${port}`;
  if (process.getuid?.() !== 0) throw new Error("a second Docker engine needs root (it runs dockerd); run the spec as root, as CI does");
  await mkdir(root, { recursive: true });
  const hasBridge = await run("ip", ["link", "show", bridge]).then(() => true, () => false);
  if (!hasBridge) {
    await run("ip", ["link", "add", "name", bridge, "type", "bridge"]);
    await run("ip", ["addr", "add", bridgeAddress, "dev", bridge]);
  }
  await run("ip", ["link", "set", bridge, "up"]);
  const hasRule = await run("iptables", ["-w", "-C", ...forwardRule]).then(() => true, () => false);
  if (!hasRule) await run("iptables", ["-w", "-I", ...forwardRule]);
  const daemon: ChildProcess = spawn(
    "dockerd",
    [
      `--data-root=${root}/data`,
      `--exec-root=${execRoot}`,
      `--pidfile=${execRoot}.pid`,
      `--host=${dockerHost}`,
      "--iptables=false",
      "--ip-masq=false",
      `--bridge=${bridge}`,
      `--default-address-pool=base=${addressPool},size=24`,
      "--log-level=warn",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let log = "";
  daemon.stderr!.on("data", (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4_000)));
  const exited = new Promise<number | null>((resolve) => daemon.on("exit", resolve));
  const deadline = Date.now() + 60_000;
  for (;;) {
    const up = await run("docker", ["-H", dockerHost, "info", "--format", "{{.ServerVersion}}"]).then(() => true, () => false);
    if (up) break;
    if (daemon.exitCode !== null || Date.now() > deadline) {
      daemon.kill("SIGKILL");
      throw new Error(`the second dockerd did not answer on ${dockerHost} within 60 s:\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return {
    dockerHost,
    address,
    async stop() {
      daemon.kill("SIGTERM");
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 20_000))]);
      if (daemon.exitCode === null) daemon.kill("SIGKILL");
      await run("ip", ["link", "del", bridge]).catch(() => {});
      await run("iptables", ["-w", "-D", ...forwardRule]).catch(() => {});
    },
  };
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
