import { chromaProbe } from "./chroma.ts";
import { elasticsearchProbe } from "./elasticsearch.ts";
import { modelRegistryProbe } from "./model-registry.ts";
import { neo4jProbe } from "./neo4j.ts";
import { ollamaProbe } from "./ollama.ts";
import { pgvectorProbe } from "./pgvector.ts";
import type { ProbeCatalog } from "./probe.ts";
import { redisProbe } from "./redis.ts";
import { sparkMasterProbe } from "./spark-master.ts";
import { sparkWorkerProbe } from "./spark-worker.ts";

export const probes: ProbeCatalog = {
  ollama: ollamaProbe,
  "model-registry": modelRegistryProbe,
  pgvector: pgvectorProbe,
  redis: redisProbe,
  neo4j: neo4jProbe,
  chroma: chromaProbe,
  elasticsearch: elasticsearchProbe,
  "spark-master": sparkMasterProbe,
  "spark-worker": sparkWorkerProbe,
};
