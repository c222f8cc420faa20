import { Client } from "@elastic/elasticsearch";
import { defineService, quickJit, slowToStart } from "../service-spec.ts";

export const elasticsearch = defineService<Client>({
  name: "elasticsearch",
  upstreamImage: "docker.elastic.co/elasticsearch/elasticsearch:8.19.20",
  lookalike: { base: "trixie" },
  port: 9200,
  environment: {
    "discovery.type": "single-node",
    "xpack.security.enabled": "false",
    "cluster.routing.allocation.disk.threshold_enabled": "false",
    ES_JAVA_OPTS: `-Xms512m -Xmx512m ${quickJit}`,
  },
  dataDir: "/usr/share/elasticsearch/data",
  healthcheck: {
    command: (host) =>
      `curl -fsS 'http://${host}:9200/_cluster/health?wait_for_status=yellow&timeout=5s' | grep -q '"timed_out":false'`,
    ...slowToStart,
  },
  startupTimeoutMs: 180_000,
  memoryMiB: 1_280,
  stopTimeoutSeconds: 30,
  dependsOn: [],
  absentTools: [],
  slicing: {
    method: "its own index prefix (ELASTICSEARCH_INDEX_PREFIX), which the app puts before every index name",
    variables: (slice) => ({ ELASTICSEARCH_INDEX_PREFIX: `slice-${slice.name}-` }),
    async open({ url }, slice) {
      const client = new Client({ node: url });
      try {
        const indices = await client.cat.indices({ index: `slice-${slice.name}-*`, format: "json", expand_wildcards: "all" });
        const names = indices.map((index) => index.index!).filter(Boolean);
        // Deleting by wildcard is refused (action.destructive_requires_name), so by name.
        if (names.length > 0) await client.indices.delete({ index: names.join(",") });
      } finally {
        await client.close();
      }
    },
  },
  appEnvironment: (url, environment) => ({
    ELASTICSEARCH_URL: url,
    ...(environment.ELASTICSEARCH_INDEX_PREFIX ? { ELASTICSEARCH_INDEX_PREFIX: environment.ELASTICSEARCH_INDEX_PREFIX } : {}),
  }),
  url: (host, port) => `http://${host}:${port}`,
  client: {
    async connect({ url }) {
      const client = new Client({ node: url });
      await client.ping();
      return client;
    },
    close: (client) => client.close(),
  },
});
