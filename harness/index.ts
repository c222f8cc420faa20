export { bootStack, Stack } from "./stack.ts";
export type { BootOptions, BootPhase, BootProgress, Endpoint, StackReuse } from "./stack.ts";
export { catalog, serviceNames } from "./catalog.ts";
export type { ClientOf, ServiceName } from "./catalog.ts";
export type { ServiceSpec, HealthCheckSpec } from "./service-spec.ts";
export type { ImageTrack } from "./images.ts";
export { StackError } from "./errors.ts";
export { checkCompose } from "./compose-check/check-compose.ts";
export { findingsTable, hasErrors, type Finding } from "./compose-check/findings.ts";
