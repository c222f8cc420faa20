import { once } from "node:events";
import { createServer, type AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { ServiceName } from "../harness/catalog/catalog.ts";
import { StackError, type StackErrorCode } from "../harness/errors.ts";
import { bootStack, type BootOptions } from "../harness/index.ts";
import { lastJsonLineOf } from "./support/child-process.ts";
import { leftovers } from "./support/leftovers.ts";

const harnessEntry = new URL("../harness/index.ts", import.meta.url).href;

/** Options refused before anything starts: [what is wrong, the options, the error's code, the problem, the fix]. */
const refusedOptions: Array<[string, unknown, StackErrorCode, RegExp, RegExp]> = [
  ["a service named twice", { services: ["redis", "redis"] }, "duplicate-service", /redis: is named twice/, /name each service once/],
  ["a dependency left out", { services: ["spark-worker"] }, "missing-dependency", /spark-worker: depends on "spark-master", which is not in `services`/, /add "spark-master"/],
  ["an empty service list", { services: [] }, "invalid-option", /`services` must be a non-empty array/, /pass some of: ollama, /],
  ["a service list that is not an array", { services: "redis" }, "invalid-option", /`services` must be a non-empty array/, /pass some of/],
  ["an unknown option", { service: ["redis"] }, "invalid-option", /`service` is not an option/, /use one of: services, images, /],
  ["options that are not an object", "redis", "invalid-option", /the options must be an object/, /bootStack\(\{ services/],
  ["a negative startup timeout", { startupTimeoutMs: -1 }, "invalid-option", /`startupTimeoutMs` must be a number of milliseconds above 0 or an object/, /startupTimeoutMs: 120_000/],
  ["a startup timeout as text", { startupTimeoutMs: { neo4j: "5m" } }, "invalid-option", /`startupTimeoutMs.neo4j` must be a number of milliseconds above 0, not "5m"/, /neo4j: 300_000/],
  ["a startup timeout for no service", { startupTimeoutMs: { postgres: 1_000 } }, "invalid-option", /`startupTimeoutMs.postgres` names no service of the catalog/, /use one of: ollama/],
  ["an unknown image track", { images: "latest" }, "invalid-option", /unknown image track "latest"/, /"upstream" or "lookalike"/],
  ["a progress callback that is not a function", { onProgress: "console" }, "invalid-option", /`onProgress` must be a function, not "console"/, /\(progress\) =>/],
  ["a signal that is not an AbortSignal", { signal: 300_000 }, "invalid-option", /`signal` must be an AbortSignal, not 300000/, /AbortSignal.timeout/],
  ["a reuse flag that is not a boolean", { reuse: "yes" }, "invalid-option", /`reuse` must be true or false, not "yes"/, /reuse: true/],
  ["a classArchives flag that is not a boolean", { classArchives: "off" }, "invalid-option", /`classArchives` must be true or false, not "off"/, /classArchives: false/],
  ["an empty Ollama model name", { ollamaModel: " " }, "invalid-option", /`ollamaModel` must be a model name, not " "/, /"all-minilm"/],
  ["an environment variable that is not a string", { environment: { redis: { MAXMEMORY: 256 } } }, "invalid-option", /`environment.redis` must be an object of string variables, not an object/, /NEO4J_PLUGINS/],
  ["a host port out of range", { hostPorts: { redis: 70_000 } }, "invalid-option", /`hostPorts.redis` must be a port number from 1 to 65535, not 70000/, /redis: 6379/],
  ["a log directory that is not a path", { logDir: 5 }, "invalid-option", /`logDir` must be a directory path, not 5/, /"reports\/logs"/],
  ["a publish address that is not an IP address", { publishAddress: "localhost" }, "invalid-option", /`publishAddress` must be an IP address of the engine's host, not "localhost"/, /"0.0.0.0" for every address/],
  ["seeds that are not an object", { seeds: ["schema.sql"] }, "invalid-option", /`seeds` must be an object by service name, not an array/, /pgvector: \{ sql:/],
  ["a seed for no service of the catalog", { seeds: { postgres: { sql: [] } } }, "invalid-option", /`seeds.postgres` names no service of the catalog/, /use one of: ollama/],
  ["a seed for a service that takes none", { seeds: { "spark-master": {} } }, "invalid-option", /`seeds.spark-master` names a service that takes no seed/, /seed only ollama, pgvector, redis, neo4j, chroma, elasticsearch/],
  ["a seed of a service not booted", { services: ["redis"], seeds: { pgvector: { sql: [] } } }, "invalid-option", /`seeds.pgvector` seeds a service this boot does not start/, /add "pgvector" to `services`/],
  ["a seed file that does not exist", { services: ["pgvector"], seeds: { pgvector: { sql: ["seeds/missing.sql"] } } }, "invalid-option", /pgvector: `seeds.pgvector` `sql` names seeds\/missing.sql, which does not exist/, /\{ migrate\?: \[command/],
  ["a seed of the wrong shape", { services: ["redis"], seeds: { redis: { command: ["cache.redis"] } } }, "invalid-option", /redis: `seeds.redis` must be \{ commands: \[files\] \}/, /\{ commands: \[file.redis/],
  ["a seed key the service does not take", { services: ["elasticsearch"], seeds: { elasticsearch: { mappings: {} } } }, "invalid-option", /`seeds.elasticsearch` takes `templates`, `indices` and `bulk`, not `mappings`/, /bulk\?: \[file.ndjson/],
  ["a Chroma seed that is a directory", { services: ["chroma"], seeds: { chroma: { collections: ["fixtures/rag-app/seeds"] } } }, "invalid-option", /`collections` names fixtures\/rag-app\/seeds, which is not a file/, /\{ collections: \[file.json/],
  ["a migrate command that is not a list", { services: ["pgvector"], seeds: { pgvector: { migrate: "npm run migrate" } } }, "invalid-option", /`migrate` must be a command and its arguments as strings/, /migrate\?:/],
  ["an Ollama seed without models", { services: ["ollama", "model-registry"], seeds: { ollama: { model: "all-minilm" } } }, "invalid-option", /`seeds.ollama` must be \{ models: \[names\] \}/, /\{ models: \[name/],
  ["a fault proxy that is not a list", { faultProxy: "redis" }, "invalid-option", /`faultProxy` must be a list of service names, not "redis"/, /faultProxy: \["redis"\]/],
  ["a fault proxy for no service of the catalog", { faultProxy: ["postgres"] }, "invalid-option", /`faultProxy` names "postgres", which is no service of the catalog/, /use some of: ollama/],
  ["a fault proxy for a service not booted", { services: ["redis"], faultProxy: ["pgvector"] }, "invalid-option", /`faultProxy` names "pgvector", which this boot does not start/, /add "pgvector" to `services`/],
  ["a fault proxy on a stack kept for reuse", { services: ["redis"], faultProxy: ["redis"], reuse: true }, "invalid-option", /`faultProxy` cannot be given to a stack kept for reuse/, /boot without `reuse`/],
  [
    "a Neo4j password under 8 characters",
    { services: ["neo4j"], environment: { neo4j: { NEO4J_AUTH: "neo4j/short" } } },
    "invalid-environment",
    /neo4j: NEO4J_AUTH sets a password of 5 characters; Neo4j 5 refuses passwords under 8 and exits/,
    /at least 8 characters/,
  ],
];

describe("a boot that cannot succeed", () => {
  afterEach(async () => {
    expect(await leftovers()).toEqual([]);
  });

  it.each(refusedOptions)("refuses %s before anything starts", async (_, options, code, problem, fix) => {
    const started = Date.now();
    const error = await failure(bootStack(options as BootOptions), code);
    expect(error.message).toMatch(problem);
    expect(error.fix).toMatch(fix);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it("says within 5 s that the engine is unreachable and how to start one", async () => {
    const script = `
      import { bootStack } from ${JSON.stringify(harnessEntry)};
      const started = Date.now();
      try { await bootStack({ services: ["redis"] }); } catch (error) {
        console.log(JSON.stringify({ ms: Date.now() - started, code: error.code, message: error.message }));
      }`;
    const { ms, code, message } = (await lastJsonLineOf(script, { ...process.env, DOCKER_HOST: "tcp://127.0.0.1:1" })) as { ms: number; code: string; message: string };
    expect(ms).toBeLessThan(5_000);
    expect(code).toBe("engine-unreachable");
    expect(message).toMatch(/the Docker engine is not reachable/);
    expect(message).toMatch(/Fix: start a Docker engine .*`docker info`/);
  });

  it("names Ryuk, not a service, when testcontainers' reaper is asked for and its image cannot be pulled", async () => {
    const script = `
      import { bootStack } from ${JSON.stringify(harnessEntry)};
      try { await bootStack({ services: ["redis"] }); } catch (error) { console.log(JSON.stringify({ code: error.code, message: error.message })); }`;
    const env: NodeJS.ProcessEnv = { ...process.env, RYUK_CONTAINER_IMAGE: "stack-harness/no-such-ryuk:0", TESTCONTAINERS_RYUK_DISABLED: "false" };
    const { code, message } = (await lastJsonLineOf(script, env)) as { code: string; message: string };
    expect(code).toBe("ryuk-failed");
    expect(message).toMatch(/^\[stack-harness\] testcontainers could not start its Ryuk reaper container/);
    expect(message).toMatch(/Fix: .*TESTCONTAINERS_RYUK_DISABLED=true/);
  });

  it("lists the valid names for an unknown service", async () => {
    const error = await failure(bootStack({ services: ["postgres" as ServiceName] }), "unknown-service");
    expect(error.message).toMatch(
      /postgres: is not a service of the catalog\.\nFix: use one of: ollama, model-registry, pgvector, redis, neo4j, chroma, elasticsearch, spark-master, spark-worker\./,
    );
  });

  it("says an overridden image could not be pulled and what to do", async () => {
    process.env.STACK_HARNESS_IMAGE_REDIS = "stack-harness/no-such-image:0";
    try {
      const error = await failure(bootStack({ services: ["redis"] }), "image-pull-failed");
      expect(error.message).toMatch(/redis: the image stack-harness\/no-such-image:0 is not present and could not be pulled .*\nFix: .*STACK_HARNESS_REGISTRY/);
    } finally {
      delete process.env.STACK_HARNESS_IMAGE_REDIS;
    }
  });

  it("names the service that timed out, shows its last log lines and removes the others", async () => {
    // Postgres serves on PGPORT, 5433, where the healthcheck does not look: it runs, prints and never passes.
    // (A 1 s timeout on a healthy pgvector met no output yet once in CI, on a busy machine.)
    const error = await failure(
      bootStack({ services: ["pgvector", "redis"], environment: { pgvector: { PGPORT: "5433" } }, startupTimeoutMs: { pgvector: 5_000 } }),
      "startup-timeout",
    );
    expect(error.message).toMatch(/^\[stack-harness\] pgvector: did not become healthy within 5 s/);
    expect(error.message).toMatch(/Fix: .*raise startupTimeoutMs for "pgvector"/);
    const logs = error.message.split("Last 50 log lines of pgvector:\n")[1];
    expect(logs).toMatch(/database system/); // initdb's first line, and the server's once it serves
  });

  it("names a service that exits during the boot, with the exit code and its last log lines", async () => {
    const error = await failure(bootStack({ services: ["pgvector", "redis"], environment: { pgvector: { POSTGRES_PASSWORD: "" } } }), "exited-during-boot");
    expect(error.message).toMatch(/^\[stack-harness\] pgvector: exited with code 1 before it became healthy\./);
    expect(error.message).toMatch(/Fix: read the log lines below and check the image .* and the settings given to "pgvector"/);
    expect(error.message).toMatch(/POSTGRES_PASSWORD/);
  });

  it("names a healthcheck that never passes, with its last output", async () => {
    const error = await failure(
      bootStack({
        services: ["model-registry", "ollama"],
        environment: { ollama: { OLLAMA_HOST: "0.0.0.0:11435" } },
        startupTimeoutMs: { ollama: 8_000 },
      }),
      "startup-timeout",
    );
    expect(error.message).toMatch(/ollama: did not become healthy within 8 s \(its healthcheck had not passed after 8000 ms; last check: exit code 1/);
    expect(error.message).toMatch(/Listening on .*11435/);
  });

  it("names a fixed host port that is already taken", async () => {
    const squatter = createServer().listen(0, "0.0.0.0");
    await once(squatter, "listening");
    const port = (squatter.address() as AddressInfo).port;
    try {
      const error = await failure(bootStack({ services: ["redis"], hostPorts: { redis: port } }), "host-port-taken");
      expect(error.message).toMatch(new RegExp(`redis: host port ${port} is already taken`));
      expect(error.fix).toMatch(new RegExp(`stop what listens on port ${port}, or choose another port in hostPorts.redis`));
    } finally {
      squatter.close();
    }
  });

  it("says a model that cannot be pulled could not be pulled, and how to choose another", async () => {
    const error = await failure(bootStack({ services: ["model-registry", "ollama"], ollamaModel: "model-registry:5000/library/missing:latest" }), "provision-failed");
    expect(error.message).toMatch(/ollama: could not pull the model model-registry:5000\/library\/missing:latest/);
    expect(error.fix).toMatch(/STACK_HARNESS_OLLAMA_MODEL/);
  });

  it("says STACK_HARNESS_MODELS_DIR is not a directory", async () => {
    process.env.STACK_HARNESS_MODELS_DIR = "/no/such/models";
    try {
      const error = await failure(bootStack({ services: ["model-registry"] }), "invalid-option");
      expect(error.message).toMatch(/model-registry: STACK_HARNESS_MODELS_DIR is \/no\/such\/models, which is not a directory/);
    } finally {
      delete process.env.STACK_HARNESS_MODELS_DIR;
    }
  });

  it("names a service that is not part of the stack, and how to boot it", async () => {
    await using stack = await bootStack({ services: ["redis"] });
    const error = await failure(stack.client("neo4j" as "redis"), "not-in-stack");
    expect(error.message).toMatch(/neo4j: is not part of this stack\.\nFix: boot it with the others: bootStack\(\{ services: \["redis", "neo4j"\] \}\)/);
  });
});

/** The StackError the call rejects with, checked to be of the expected code. */
async function failure(call: Promise<unknown>, code: StackErrorCode): Promise<StackError> {
  const error = await call.then(
    () => expect.fail(`the call should have failed with ${code}`),
    (failed: unknown) => failed,
  );
  expect(error).toBeInstanceOf(StackError);
  expect((error as StackError).code).toBe(code);
  return error as StackError;
}
