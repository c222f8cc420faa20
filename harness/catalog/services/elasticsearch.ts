import { Client } from "@elastic/elasticsearch";
import { defineService, quickJit, slowToStart } from "../service-spec.ts";
import { elasticsearchSeeding, elasticsearchSlicing, type ElasticsearchSeed } from "./elasticsearch-data.ts";

export const elasticsearch = defineService<Client, ElasticsearchSeed>({
  name: "elasticsearch",
  upstreamImage: "docker.elastic.co/elasticsearch/elasticsearch:8.19.20",
  lookalike: {
    base: "trixie",
    version: "8.19.20",
    versionCommand: "ls /usr/share/elasticsearch/lib",
    differences: [
      "The real Elasticsearch **8.19.20** node (upstream pin: 8.19.20, same version) from Maven Central jars (server + transport-netty4, Lucene 9.12.2) with a launcher and a small plugin of our own, on Debian trixie's OpenJDK 21 instead of the bundled JDK; entitlements are not enforced",
      "**No modules and no x-pack**: no security at all (every `xpack.*` setting is accepted and ignored, credentials are not checked), no painless scripts, no `_reindex`/`_update_by_query`/`_delete_by_query`, no mapper-extras types, only the standard, simple, whitespace, stop and keyword analyzers, no ingest processors (the pipeline API answers, with none to run), no data streams, ML or ES\\|QL",
      "no `elasticsearch-*` command-line tools or keystore",
      "Elasticsearch's SIMD vector library is off (slower, same results)",
      "`@elastic/elasticsearch` 8 works unchanged: `X-elastic-product`, `compatible-with=8`, text search, `dense_vector` and kNN are the real code",
    ],
    alike: "9200/9300, `/usr/share/elasticsearch/data`, uid 1000 gid 0, dotted env vars as settings, `ES_JAVA_OPTS`, bootstrap checks (exit 78 without `discovery.type=single-node`), bash, curl and nc",
  },
  port: 9200,
  environment: {
    "discovery.type": "single-node",
    "xpack.security.enabled": "false",
    "cluster.routing.allocation.disk.threshold_enabled": "false",
    ES_JAVA_OPTS: `-Xms512m -Xmx512m ${quickJit}`,
  },
  // Java is not on the PATH of the image: only its bundled JDK.
  jvm: { optionsVariable: "ES_JAVA_OPTS", java: "/usr/share/elasticsearch/jdk/bin/java" },
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
