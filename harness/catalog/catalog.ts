import { chroma } from "./services/chroma.ts";
import { elasticsearch } from "./services/elasticsearch.ts";
import { modelRegistry } from "./services/model-registry.ts";
import { neo4jService } from "./services/neo4j.ts";
import { ollama } from "./services/ollama.ts";
import { pgvector } from "./services/pgvector.ts";
import { redis } from "./services/redis.ts";
import { sparkMaster } from "./services/spark-master.ts";
import { sparkWorker } from "./services/spark-worker.ts";
import type { ServiceSpec } from "./service-spec.ts";

/** Every service the harness knows, by compose service name. */
export const catalog = {
  ollama,
  "model-registry": modelRegistry,
  pgvector,
  redis,
  neo4j: neo4jService,
  chroma,
  elasticsearch,
  "spark-master": sparkMaster,
  "spark-worker": sparkWorker,
};

export type Catalog = typeof catalog;
export type ServiceName = keyof Catalog;
export type ClientOf<Name extends ServiceName> = Catalog[Name] extends ServiceSpec<infer Client, unknown> ? Client : never;
/** The seed an app may declare for each service that takes one (BootOptions.seeds). */
export type Seeds = { [Name in ServiceName as SeedOf<Name> extends never ? never : Name]?: SeedOf<Name> };
type SeedOf<Name extends ServiceName> = Catalog[Name] extends ServiceSpec<unknown, infer Seed> ? Seed : never;

export const serviceNames = Object.keys(catalog) as ServiceName[];

export function specOf(name: ServiceName): ServiceSpec {
  return catalog[name] as ServiceSpec;
}
