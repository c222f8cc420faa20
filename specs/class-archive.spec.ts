import { getContainerRuntimeClient } from "testcontainers";
import { describe, expect, it } from "vitest";
import { specOf } from "../harness/catalog/catalog.ts";
import { classArchiveOf, classArchiveVolume } from "../harness/engine/class-archive.ts";
import { resolveBootPlan, withDecidedTrack } from "../harness/boot/options.ts";
import { bootStack } from "../harness/index.ts";

// The class-data archive files the server JVM has mapped: its /proc/<pid>/maps name them.
const mappedArchives = "cat /proc/[0-9]*/maps 2>/dev/null | grep -o '/stack-harness-class-data/[^ ]*\\.jsa' | sort -u";

describe("the JVM services' class-data archive", () => {
  it("is written by the first boot's JVM at its graceful stop, after a boot without it that works, and mapped by the next boot", async () => {
    const docker = (await getContainerRuntimeClient()).container.dockerode;
    await docker.getVolume(classArchiveVolume).remove().catch(() => {});

    await using first = await bootStack({ services: ["elasticsearch"] });
    const option = (await first.exec("elasticsearch", "printenv ES_JAVA_OPTS")).output;
    expect(option).toMatch(/-XX:\+AutoCreateSharedArchive -XX:SharedArchiveFile=\/stack-harness-class-data\/[0-9a-f]{12}-elasticsearch\.jsa/);
    expect(option).toMatch(/-Xms512m -Xmx512m/);
    expect((await first.exec("elasticsearch", mappedArchives)).output.trim()).toBe("");
    await first.stop();

    await using second = await bootStack({ services: ["elasticsearch"] });
    const archive = /SharedArchiveFile=(\S+)/.exec(option)![1]!;
    expect((await second.exec("elasticsearch", mappedArchives)).output.trim()).toBe(archive);
    expect((await (await second.client("elasticsearch")).cluster.health()).status).toMatch(/green|yellow/);
  }, 300_000);

  it("is left out with classArchives: false (negative control): no option, nothing mapped", async () => {
    await using stack = await bootStack({ services: ["elasticsearch"], classArchives: false });
    expect((await stack.exec("elasticsearch", "printenv ES_JAVA_OPTS")).output).not.toMatch(/SharedArchive/);
    expect((await stack.exec("elasticsearch", mappedArchives)).output.trim()).toBe("");
  }, 300_000);

  it("is not asked of a JVM older than JDK 19, which would refuse the option: Spark's JDK 17", async () => {
    const engine = await getContainerRuntimeClient();
    const plan = await withDecidedTrack(resolveBootPlan({ services: ["spark-master", "elasticsearch"] }), {}, engine);
    const imageOf = (name: "spark-master" | "elasticsearch") => plan.services.get(name)!.image;
    expect(await classArchiveOf(engine, imageOf("spark-master"), "spark-master", "java")).toBeUndefined();
    expect((await classArchiveOf(engine, imageOf("elasticsearch"), "elasticsearch", specOf("elasticsearch").jvm!.java))?.options).toMatch(/AutoCreateSharedArchive/);
  }, 120_000);
});
