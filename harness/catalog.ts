import { pgvector } from "./services/pgvector.ts";
import { redis } from "./services/redis.ts";
import type { ServiceSpec } from "./service-spec.ts";

/** Every service the harness knows, by compose service name. */
export const catalog = { pgvector, redis };

export type Catalog = typeof catalog;
export type ServiceName = keyof Catalog;
export type ClientOf<Name extends ServiceName> = Catalog[Name] extends ServiceSpec<infer Client> ? Client : never;

export const serviceNames = Object.keys(catalog) as ServiceName[];

export function specOf(name: ServiceName): ServiceSpec {
  return catalog[name] as ServiceSpec;
}
