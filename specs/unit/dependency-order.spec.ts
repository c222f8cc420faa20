import { describe, expect, it } from "vitest";
import { inDependencyOrder } from "../../harness/boot/dependency-order.ts";

const dependencies: Record<string, string[]> = { worker: ["master"], master: [], cache: [], app: ["worker", "cache"] };

describe("starting in dependency order", () => {
  it("starts a service only after its dependencies, and independent ones together", async () => {
    const events: string[] = [];
    const running = new Set<string>();
    let mostAtOnce = 0;
    await inDependencyOrder<string>(["app", "worker", "master", "cache"], (name) => dependencies[name]!, async (name) => {
      events.push(`start ${name}`);
      running.add(name);
      mostAtOnce = Math.max(mostAtOnce, running.size);
      await new Promise((resolve) => setTimeout(resolve, 20));
      running.delete(name);
      events.push(`done ${name}`);
    });
    for (const [name, needs] of Object.entries(dependencies)) {
      for (const need of needs) expect(events.indexOf(`done ${need}`)).toBeLessThan(events.indexOf(`start ${name}`));
    }
    expect(events.filter((event) => event.startsWith("start"))).toHaveLength(4);
    expect(mostAtOnce).toBeGreaterThanOrEqual(2);
  });

  it("does not start a service whose dependency failed, and reports both", async () => {
    const started: string[] = [];
    const outcomes = await inDependencyOrder<string>(["worker", "master"], (name) => dependencies[name]!, async (name) => {
      started.push(name);
      if (name === "master") throw new Error("master failed");
    });
    expect(started).toEqual(["master"]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(["rejected", "rejected"]);
  });
});
