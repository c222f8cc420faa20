import { bootStack, type Stack } from "../harness/index.ts";
import { median } from "./stats.ts";

/** The services measured, each behind the proxy in the boots with it. */
const services = ["redis", "elasticsearch"] as const;
const pings = 50;

/** One boot of the services: its time to healthy, and the median round trip of each client. */
export interface ProxiedBoot {
  bootMs: number;
  redisPingMs: number;
  elasticsearchInfoMs: number;
}

/** What the fault proxy costs: boots of Redis and Elasticsearch without and with it, interleaved, a pair per round. */
export async function faultProxyCost(rounds: number): Promise<{ without: ProxiedBoot[]; with: ProxiedBoot[] }> {
  const result = { without: [] as ProxiedBoot[], with: [] as ProxiedBoot[] };
  for (let round = 0; round < rounds; round++) {
    for (const proxied of [false, true]) {
      const started = performance.now();
      const stack = await bootStack({ services: [...services], ...(proxied ? { faultProxy: [...services] } : {}) });
      const bootMs = performance.now() - started;
      try {
        result[proxied ? "with" : "without"].push({ bootMs, ...(await roundTrips(stack)) });
      } finally {
        await stack.stop();
      }
    }
  }
  return result;
}

async function roundTrips(stack: Stack<(typeof services)[number]>): Promise<Omit<ProxiedBoot, "bootMs">> {
  const redis = await stack.client("redis");
  const elasticsearch = await stack.client("elasticsearch");
  const timed = async (work: () => Promise<unknown>) => {
    const times: number[] = [];
    for (let index = 0; index < pings; index++) {
      const started = performance.now();
      await work();
      times.push(performance.now() - started);
    }
    return median(times);
  };
  return { redisPingMs: await timed(() => redis.ping()), elasticsearchInfoMs: await timed(() => elasticsearch.info()) };
}
