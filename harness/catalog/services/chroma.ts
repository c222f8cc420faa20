import { ChromaClient } from "chromadb";
import { bashHttpCheck, defineService, quickToStart } from "../service-spec.ts";
import { chromaSeeding, chromaSlicing, type ChromaSeed } from "./chroma-data.ts";

export const chroma = defineService<ChromaClient, ChromaSeed>({
  name: "chroma",
  upstreamImage: "chromadb/chroma:1.5.9",
  lookalike: {
    base: "trixie",
    version: "1.4.4",
    versionCommand: "chroma --version",
    differences: [
      "The same Chroma server code (CLI 1.4.4, the commit of upstream 1.5.9) from the npm packages `chromadb` 3.5.0 and `chromadb-js-bindings-linux-x64-gnu` 1.3.4, run by Debian's Node.js 20 through a `chroma` shell wrapper (upstream: a native binary), so `node` is present",
      "`dumb-init --rewrite 15:2` and `STOPSIGNAL SIGINT`, because this build stops serving but does not exit on SIGTERM",
      "linux-x64 only",
    ],
    alike: "port 8000, `/data`, root, bash and grep, no curl, wget, python or nc",
  },
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
