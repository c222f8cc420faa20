import { serviceNames, specOf, type ServiceName } from "../../catalog/catalog.ts";
import { lookalikeImage } from "../../images/lookalike.ts";
import type { ComposeService } from "./compose-model.ts";

/** Images that run the harness's own code rather than a service: matched only under the service's own name. */
const generalImages = new Set(["node"]);

/** An image reference without registry defaults, tag or digest: `redis`, `pgvector/pgvector`. */
function repository(image: string): string {
  const withoutDigest = image.split("@")[0]!;
  const slash = withoutDigest.lastIndexOf("/");
  const colon = withoutDigest.lastIndexOf(":");
  const name = colon > slash ? withoutDigest.slice(0, colon) : withoutDigest;
  return name.replace(/^(docker\.io\/)?(library\/)?/, "");
}

/**
 * The catalog service a compose service runs, by image repository (upstream or look-alike); where
 * one image serves several (Spark master and worker), by the compose service's name or command.
 */
export function catalogServiceOf(service: ComposeService): ServiceName | undefined {
  if (!service.image) return undefined;
  const wanted = repository(service.image);
  const candidates = serviceNames.filter((name) => {
    const upstream = repository(specOf(name).upstreamImage);
    if (generalImages.has(upstream) && name !== service.name) return false;
    return upstream === wanted || repository(lookalikeImage(specOf(name))) === wanted;
  });
  if (candidates.length <= 1) return candidates[0];
  const command = (service.command ?? []).join(" ");
  return (
    candidates.find((name) => name === service.name) ??
    candidates.find((name) => specOf(name).command && command.includes(specOf(name).command!.at(-1)!)) ??
    candidates.find((name) => service.name.includes(name.split("-").at(-1)!))
  );
}
