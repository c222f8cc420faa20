import { SparkUi } from "../clients/spark-ui.ts";
import { defineService, quickJit, slowToStart } from "../service-spec.ts";

export const sparkMaster = defineService<SparkUi>({
  name: "spark-master",
  upstreamImage: "apache/spark:3.5.8-scala2.12-java17-python3-ubuntu",
  lookalike: { recipe: "spark", base: "bookworm" },
  port: 7077,
  extraPorts: [8080],
  // JAVA_TOOL_OPTIONS reaches every JVM of the container: spark-class's launcher and the daemon.
  environment: { SPARK_MASTER_HOST: "spark-master", SPARK_DAEMON_MEMORY: "256m", JAVA_TOOL_OPTIONS: quickJit },
  command: ["/opt/spark/bin/spark-class", "org.apache.spark.deploy.master.Master"],
  healthcheck: {
    command: (host) => `wget -qO- http://${host}:8080/ | grep -q ALIVE`,
    ...slowToStart,
  },
  startupTimeoutMs: 120_000,
  memoryMiB: 768,
  stopTimeoutSeconds: 10,
  dependsOn: [],
  absentTools: [],
  appEnvironment: (url) => ({ SPARK_MASTER: url }),
  url: (host, port) => `spark://${host}:${port}`,
  client: {
    connect: async ({ host, mappedPort }) => new SparkUi(`http://${host}:${mappedPort(8080)}`),
    close: async () => {},
  },
});
