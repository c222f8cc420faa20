import { SparkUi } from "../clients/spark-ui.ts";
import { defineService, quickJit, slowToStart } from "../service-spec.ts";
import { sparkLookalike } from "./spark-master.ts";

export const sparkWorker = defineService<SparkUi>({
  name: "spark-worker",
  upstreamImage: "apache/spark:3.5.8-scala2.12-java17-python3-ubuntu",
  lookalike: sparkLookalike,
  port: 8081,
  environment: {
    SPARK_WORKER_CORES: "1",
    SPARK_WORKER_MEMORY: "768m",
    SPARK_DAEMON_MEMORY: "256m",
    // Every JVM of the container: spark-class's launcher, the daemon and the executors it starts.
    JAVA_TOOL_OPTIONS: quickJit,
    // After the master restarts (perhaps at a new address), reconnect by its service name, not the old IP.
    SPARK_DAEMON_JAVA_OPTS: "-Dspark.worker.preferConfiguredMasterAddress=true -Dsun.net.inetaddr.ttl=0",
  },
  command: ["/opt/spark/bin/spark-class", "org.apache.spark.deploy.worker.Worker", "spark://spark-master:7077"],
  healthcheck: {
    command: (host) => `wget -q -O /dev/null http://${host}:8081/`,
    ...slowToStart,
  },
  startupTimeoutMs: 120_000,
  memoryMiB: 1_536,
  stopTimeoutSeconds: 10,
  dependsOn: ["spark-master"],
  absentTools: [],
  url: (host, port) => `http://${host}:${port}`,
  client: {
    connect: async ({ url }) => new SparkUi(url),
    close: async () => {},
  },
});
