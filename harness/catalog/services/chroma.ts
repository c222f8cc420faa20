import { AdminClient, ChromaClient } from "chromadb";
import { bashHttpCheck, defineService, quickToStart } from "../service-spec.ts";

/** The tenant Chroma creates at its first start. */
const defaultTenant = "default_tenant";

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
  slicing: {
    method: "its own database of the default tenant (Chroma's tenant and database API)",
    variables: (slice) => ({ CHROMA_TENANT: defaultTenant, CHROMA_DATABASE: `slice_${slice.name}` }),
    async open({ host, mappedPort }, slice) {
      const admin = new AdminClient({ host, port: mappedPort(8000), ssl: false });
      const name = `slice_${slice.name}`;
      const exists = await admin.getDatabase({ name, tenant: defaultTenant }).then(() => true, () => false);
      if (exists) await admin.deleteDatabase({ name, tenant: defaultTenant });
      await admin.createDatabase({ name, tenant: defaultTenant });
    },
  },
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
