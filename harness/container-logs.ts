import type { ContainerRuntimeClient } from "testcontainers";

/** The last lines a container printed (stdout and stderr), also after it exited. */
export async function lastLogLines(engine: ContainerRuntimeClient, containerId: string, lines: number): Promise<string> {
  const raw = (await engine.container.dockerode
    .getContainer(containerId)
    .logs({ stdout: true, stderr: true, follow: false, tail: lines })) as unknown as Buffer;
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
