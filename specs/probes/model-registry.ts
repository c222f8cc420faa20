import { expect } from "vitest";
import type { ServiceProbe } from "./probe.ts";

export const modelRegistryProbe: ServiceProbe = {
  async roundTrip(stack) {
    const registry = await stack.client("model-registry");
    expect(await registry.repositories()).toContain("library/tiny-llama");
    const manifest = await fetch(`${registry.url}/v2/library/tiny-llama/manifests/latest`);
    expect(manifest.status).toBe(200);
    const { layers } = (await manifest.json()) as { layers: Array<{ mediaType: string; digest: string }> };
    const model = layers.find((layer) => layer.mediaType === "application/vnd.ollama.image.model")!;
    const blob = await fetch(`${registry.url}/v2/library/tiny-llama/blobs/${model.digest}`, { redirect: "manual" });
    expect(blob.status).toBe(307);
    expect(blob.headers.get("location")).toBe(`/blobdata/${model.digest}`);
  },

  persistence: {
    what: "the models it serves",
    before: async (stack) => {
      expect(await (await stack.client("model-registry")).repositories()).toContain("library/tiny-llama");
    },
    after: async (stack) => {
      expect(await (await stack.client("model-registry")).repositories()).toContain("library/tiny-llama");
    },
  },
};
