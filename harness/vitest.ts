import { createServer, type Server } from "node:http";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";
import type { ImageTrack } from "./images.ts";
import { siblingModule } from "./package-root.ts";
import type { ServiceName } from "./catalog.ts";
import { bootStack, type BootOptions, type Endpoint, type Stack } from "./stack.ts";

export { stackControl } from "./stack-control.ts";

/** The booted stack as tests see it through `inject("stack")`: plain data, read afresh after changes. */
export interface StackDescription {
  runId: string;
  /** The network an app container joins. */
  network: string;
  services: ServiceName[];
  /** Per service: the endpoint from this machine and the one from the stack network. */
  endpoints: Partial<Record<ServiceName, { host: Endpoint; network: Endpoint }>>;
  /** The in-network settings an app container expects (see Stack.appEnvironment). */
  environment: Record<string, string>;
  /** Where the main process takes restart, recreate and crash requests (see stackControl). */
  control: string;
}

/** What the preset boots; serializable, so it travels through vitest's `provide`. */
export interface StackPresetOptions {
  /** @default every service of the catalog */
  services?: ServiceName[];
  /** @default process.env.STACK_HARNESS_IMAGES, else "upstream" */
  images?: ImageTrack;
  /** @default process.env.STACK_HARNESS_OLLAMA_MODEL, else the track's model */
  ollamaModel?: string;
  /** @default the catalog's value per service */
  startupTimeoutMs?: number;
  /** Keep the stack for the next run (see BootOptions.reuse). @default process.env.STACK_HARNESS_REUSE === "true" */
  reuse?: boolean;
  /** Per-service environment overrides (see BootOptions.environment). @default the catalog's */
  environment?: BootOptions["environment"];
  /** Fixed host ports (see BootOptions.hostPorts). @default free ports */
  hostPorts?: BootOptions["hostPorts"];
}

declare module "vitest" {
  export interface ProvidedContext {
    stack: StackDescription;
    stackHarnessOptions: StackPresetOptions;
  }
}

/**
 * The vitest `test` settings that boot the stack once per run (a globalSetup) and remove it at
 * the end, also on Ctrl-C.
 * @example defineConfig({ test: { ...stackHarness({ services: ["pgvector", "redis"] }) } })
 */
export function stackHarness(options: StackPresetOptions = {}): {
  globalSetup: string[];
  setupFiles: string[];
  provide: { stackHarnessOptions: StackPresetOptions };
} {
  return {
    globalSetup: [fileURLToPath(import.meta.url)],
    setupFiles: [siblingModule(import.meta.url, "vitest-death-check")],
    provide: { stackHarnessOptions: options },
  };
}

/** vitest globalSetup: boots the stack, provides its description, and returns the teardown. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const options = project.getProvidedContext().stackHarnessOptions ?? {};
  const stack = await bootStack(options);
  const { server: control, url } = await serveControl(stack);
  project.provide("stack", describeStack(stack, url));
  // On Ctrl-C vitest exits at once; the stack's reaper process removes it then.
  return async () => {
    control.close();
    await stack.stop();
  };
}

function describeStack(stack: Stack, control: string): StackDescription {
  return {
    runId: stack.runId,
    network: stack.network,
    services: [...stack.services],
    endpoints: Object.fromEntries(
      stack.services.map((name) => [name, { host: stack.hostEndpoint(name), network: stack.networkEndpoint(name) }]),
    ),
    environment: stack.appEnvironment(),
    control,
  };
}

const controlActions = ["restart", "recreate", "crash"] as const;

function isControlAction(action: string): action is (typeof controlActions)[number] {
  return (controlActions as readonly string[]).includes(action);
}

/** The endpoint that runs restart, recreate and crash requests on the stack, on a free port of 127.0.0.1. */
function serveControl(stack: Stack): Promise<{ server: Server; url: string }> {
  let url = "";
  const server = createServer(async (request, response) => {
    const [, action, name] = (request.url ?? "").split("/") as [string, string, ServiceName];
    const reply = (status: number, body: unknown) => response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    if (request.method === "GET" && action === "deaths") return reply(200, stack.deaths().map((death) => death.message));
    if (request.method !== "POST" || !isControlAction(action) || !stack.services.includes(name)) {
      return reply(404, { error: `unknown request ${request.method} ${request.url}` });
    }
    try {
      await stack[action](name);
      reply(200, describeStack(stack, url));
    } catch (error) {
      reply(500, { error: (error as Error).message });
    }
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      resolve({ server, url });
    }),
  );
}
