import { Client } from "@elastic/elasticsearch";
import { defineService, quickJit, slowToStart } from "../service-spec.ts";
import { elasticsearchSeeding, elasticsearchSlicing, type ElasticsearchSeed } from "./elasticsearch-data.ts";

export const elasticsearch = defineService<Client, ElasticsearchSeed>({
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
  slicing: elasticsearchSlicing,
  seeding: elasticsearchSeeding,
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
