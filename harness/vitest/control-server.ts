import { createServer, type Server } from "node:http";
import type { ServiceName } from "../catalog/catalog.ts";
import { StackError } from "../errors.ts";
import type { Stack } from "../stack.ts";
import type { StackDescription } from "./description.ts";

const controlActions = ["restart", "recreate", "crash"] as const;

function isControlAction(action: string): action is (typeof controlActions)[number] {
  return (controlActions as readonly string[]).includes(action);
}

/** What the control endpoint answers for a failed request: a StackError's parts, so the test sees the same error. */
export type ControlFailure = Pick<StackError, "code" | "service" | "problem" | "fix" | "details"> | { error: string };

/**
 * The endpoint, on a free port of 127.0.0.1, that runs restart, recreate and crash requests on the
 * stack in the main process (the stack lives there) and answers the fresh description.
 */
export function serveControl(stack: Stack): Promise<{ server: Server; describe(): StackDescription }> {
  let url = "";
  const describe = () => describeStack(stack, url);
  const server = createServer(async (request, response) => {
    const [, action, name] = (request.url ?? "").split("/") as [string, string, ServiceName];
    const reply = (status: number, body: unknown) => response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    if (request.method === "GET" && action === "deaths") return reply(200, stack.deaths().map((death) => death.message));
    if (request.method !== "POST" || !isControlAction(action) || !stack.services.includes(name)) {
      return reply(404, { error: `unknown request ${request.method} ${request.url}` });
    }
    try {
      await stack[action](name);
      reply(200, describe());
    } catch (error) {
      reply(500, controlFailure(error));
    }
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      resolve({ server, describe });
    }),
  );
}

function controlFailure(error: unknown): ControlFailure {
  if (!(error instanceof StackError)) return { error: (error as Error).message };
  const { code, service, problem, fix, details } = error;
  return { code, service, problem, fix, details };
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
