import { describe, expect, it } from "vitest";
import { appPgClient, freshCount } from "./support/app-pg-client.ts";
import { elapsedMs, stateAfter } from "./support/settling.ts";
import { useStack } from "./support/stack-under-test.ts";

const keys = 1_000;
const stack = useStack(["pgvector", "redis"]);

describe("a paused service", () => {
  it("leaves a Redis command hanging, answers it on resume, and loses no acknowledged write", async () => {
    const redis = await stack().client("redis");
    await Promise.all(Array.from({ length: keys }, (_, index) => redis.set(`paused:${index}`, String(index))));
    expect(await stateAfter(redis.ping(), 1_000)).toBe("answered"); // negative control: it answers when not paused

    await stack().pause("redis");
    const hanging = redis.get("paused:7");
    expect(await stateAfter(hanging, 1_500)).toBe("pending");
    const resumeMs = await elapsedMs(() => stack().resume("redis"));
    const answerMs = await elapsedMs(() => hanging);
    console.log(`pause: redis resumed in ${Math.round(resumeMs)} ms, the hanging GET answered ${Math.round(answerMs)} ms after`);
    expect(await hanging).toBe("7");
    expect(await redis.exists(Array.from({ length: keys }, (_, index) => `paused:${index}`))).toBe(keys);
  });

  it("makes a Postgres query time out as the app's query_timeout sees it, then serves the rows it acknowledged", async () => {
    const db = await appPgClient(stack(), 1_000);
    await db.query("CREATE TABLE paused (id int PRIMARY KEY)");
    await db.query("INSERT INTO paused SELECT generate_series(1, $1)", [keys]);
    await expect(db.query("SELECT 1")).resolves.toBeDefined(); // negative control

    await stack().pause("pgvector");
    const started = performance.now();
    const timedOut = db.query("SELECT count(*) FROM paused");
    await expect(timedOut).rejects.toThrow(/timeout/i);
    const timedOutMs = performance.now() - started;
    expect(timedOutMs).toBeGreaterThanOrEqual(950);
    await stack().resume("pgvector");

    let count = 0;
    const backMs = await elapsedMs(async () => (count = await freshCount(stack(), "paused")));
    await db.end().catch(() => {});
    console.log(`pause: pgvector query timed out after ${Math.round(timedOutMs)} ms; a count on a new connection after resume took ${Math.round(backMs)} ms`);
    expect(count).toBe(keys);
  });

  it("is resumed by heal(), and pausing twice or resuming a running service changes nothing", async () => {
    const redis = await stack().client("redis");
    await stack().resume("redis");
    await stack().pause("redis");
    await stack().pause("redis");
    expect(await stateAfter(redis.ping(), 1_000)).toBe("pending");
    await stack().heal();
    expect(await redis.ping()).toBe("PONG");
  });
});
