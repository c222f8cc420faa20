import { ChromaClient } from "chromadb";
import { bashHttpCheck, defineService, quickToStart } from "../service-spec.ts";
import { chromaSeeding, chromaSlicing, type ChromaSeed } from "./chroma-data.ts";

export const chroma = defineService<ChromaClient, ChromaSeed>({
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
  slicing: chromaSlicing,
  seeding: chromaSeeding,
  appEnvironment: (url, environment) => ({
    CHROMA_URL: url,
    ...(environment.CHROMA_DATABASE ? { CHROMA_TENANT: environment.CHROMA_TENANT!, CHROMA_DATABASE: environment.CHROMA_DATABASE } : {}),
  }),
  url: (host, port) => `http://${host}:${port}`,
  client: {
    async connect({ host, mappedPort, environment }) {
      const { CHROMA_TENANT: tenant, CHROMA_DATABASE: database } = environment;
      const client = new ChromaClient({ host, port: mappedPort(8000), ssl: false, ...(database ? { tenant, database } : {}) });
      await client.heartbeat();
      return client;
    },
    close: async () => {},
  },
});
