import { pgvectorProbe } from "./pgvector.ts";
import type { ProbeCatalog } from "./probe.ts";
import { redisProbe } from "./redis.ts";

export const probes: ProbeCatalog = { pgvector: pgvectorProbe, redis: redisProbe };
