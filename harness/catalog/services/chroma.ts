import { ChromaClient } from "chromadb";
import { bashHttpCheck, defineService, quickToStart } from "../service-spec.ts";

export const chroma = defineService<ChromaClient>({
  name: "chroma",
  upstreamImage: "chromadb/chroma:1.5.9",
  lookalike: { base: "trixie" },
  port: 8000,
  environment: {},
  dataDir: "/data",
  healthcheck: {
    command: (host) => bashHttpCheck(host, 8000, "/api/v2/heartbeat"),
    ...quickToStart,
  },
  startupTimeoutMs: 60_000,
  memoryMiB: 512,
  stopTimeoutSeconds: 10,
  dependsOn: [],
  absentTools: ["curl", "wget", "python3", "nc"],
  appEnvironment: (url) => ({ CHROMA_URL: url }),
  url: (host, port) => `http://${host}:${port}`,
  client: {
    async connect({ host, mappedPort }) {
      const client = new ChromaClient({ host, port: mappedPort(8000), ssl: false });
      await client.heartbeat();
      return client;
    },
    close: async () => {},
  },
});
