import { SparkUi } from "../clients/spark-ui.ts";
import { defineService, type Lookalike, quickJit, slowToStart } from "../service-spec.ts";

/** The look-alike both Spark services run. */
export const sparkLookalike: Lookalike = {
  recipe: "spark",
  base: "bookworm",
  version: "3.5.8",
  versionCommand: "ls /opt/spark/jars",
  differences: [
    "Spark 3.5.8 from the PyPI `pyspark` archive on Debian bookworm's OpenJDK 17 JRE and Python 3.11 (upstream: the Apache binary release on Ubuntu jammy with Temurin 17 and Python 3.10): no `sbin/start-*.sh`, no examples jar, no R",
    "`PYTHONPATH` set so `import pyspark` works in plain `python3`",
    "`LANG=C.UTF-8`",
    "the entrypoint refuses the Kubernetes `driver`/`executor` modes",
    "no curl (upstream has it from its base)",
  ],
  alike: "`/opt/spark`, user `spark` (185), an entrypoint that runs the given command, no CMD, EXPOSE or HEALTHCHECK, bash, wget and procps",
};

export const sparkMaster = defineService<SparkUi>({
  name: "spark-master",
  upstreamImage: "apache/spark:3.5.8-scala2.12-java17-python3-ubuntu",
  lookalike: sparkLookalike,
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
