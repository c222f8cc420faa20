import type { ContainerRuntimeClient, WaitStrategy } from "testcontainers";

type Container = Parameters<WaitStrategy["waitUntilReady"]>[0];

/** How many of a container's last log lines an error about it shows. */
export const logLinesOnFailure = 50;

/** Those log lines as an error's details. */
export function logDetails(service: string, lines: string): string {
  return `Last ${logLinesOnFailure} log lines of ${service}:\n${lines || "(none)"}`;
}

/** The last lines a container printed (stdout and stderr), also after it exited. */
export function lastLogLines(engine: ContainerRuntimeClient, containerId: string, lines: number): Promise<string> {
  return lastLogLinesOf(engine.container.dockerode.getContainer(containerId), lines);
}

export async function lastLogLinesOf(container: Container, lines: number): Promise<string> {
  const raw = (await container.logs({ stdout: true, stderr: true, follow: false, tail: lines })) as unknown as Buffer;
  return demultiplex(raw).replace(/\n$/, "");
}

/** Docker frames each chunk of a non-TTY container's output with an 8-byte header: stream, 0, 0, 0, size. */
function demultiplex(raw: Buffer): string {
  const chunks: Buffer[] = [];
  for (let offset = 0; offset + 8 <= raw.length; ) {
    const size = raw.readUInt32BE(offset + 4);
    chunks.push(raw.subarray(offset + 8, offset + 8 + size));
    offset += 8 + size;
  }
  return Buffer.concat(chunks).toString("utf8");
}
