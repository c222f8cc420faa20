import { randomBytes, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { ServiceName } from "../catalog/catalog.ts";
import { StackError } from "../errors.ts";
import type { StackSlice } from "../data/stack-slice.ts";
import type { NetworkFault } from "../faults/network-fault.ts";
import type { Stack } from "../stack.ts";
import type { SliceDescription, StackDescription } from "./description.ts";

const controlActions = ["restart", "recreate", "crash", "pause", "resume", "disconnect", "reconnect"] as const;

function isControlAction(action: string): action is (typeof controlActions)[number] {
  return (controlActions as readonly string[]).includes(action);
}

/** What the control endpoint answers for a failed request: a StackError's parts, so the test sees the same error. */
export type ControlFailure = Pick<StackError, "code" | "service" | "problem" | "fix" | "details"> | { error: string };

/**
 * The endpoint, on a free port of 127.0.0.1, that takes requests only with the run's token (a
 * random secret made here and handed to the workers in the description; else 403, nothing done), and runs restart, recreate, crash, pause, resume,
 * disconnect and reconnect requests on the stack in the main process (the stack lives there) and
 * answers the fresh description; adds network faults (POST /fault/<service> with the fault as its
 * body, answered with an id) and removes them (POST /unfault/<id>), heals (POST /heal[/<service>]); opens
 * the workers' slices (POST /slice/<name>, which resets one already open), resets them (POST
 * /reset/<slice>[/<service>]), takes and restores their snapshots (POST /snapshot/<slice>/<name>,
 * /restore/<slice>/<name>); and leases a service with one part only to a slice (POST
 * /lease/<slice>/<service>, answered once it is held) until POST /release/<slice>/<service>.
 */
export function serveControl(stack: Stack): Promise<{ server: Server; describe(): StackDescription }> {
  let url = "";
  const describe = () => describeStack(stack, url, token);
  const slices = new Map<string, StackSlice>();
  const releases = new Map<string, () => Promise<void>>();
  const faults = new Map<string, () => Promise<void>>();
  let faultsAdded = 0;
  const token = randomBytes(32).toString("hex");
  const server = createServer(async (request, response) => {
    // /<action>/<service>, or /<action>/<slice>[/<service>] for slices and leases.
    const [, action = "", name = "", service = ""] = (request.url ?? "").split("/");
    const reply = (status: number, body: unknown) => response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    if (!carries(request, token)) return reply(403, { error: "this endpoint takes requests only from the test run that booted the stack (its control token)" });
    if (request.method === "GET" && action === "deaths") return reply(200, stack.deaths().map((death) => death.message));
    if (request.method === "POST" && action === "slice") {
      return stack.slice(name).then(
        (slice) => (slices.set(slice.name, slice), reply(200, describeSlice(slice))),
        (error: unknown) => reply(500, controlFailure(error)),
      );
    }
    if (request.method === "POST" && (action === "reset" || action === "snapshot" || action === "restore")) {
      const slice = slices.get(name);
      if (!slice || (action === "reset" && service && !isService(stack, service))) return reply(404, { error: `no open slice ${name} with ${service}` });
      const work = action === "reset" ? slice.reset(service ? (service as ServiceName) : undefined) : slice[action](service);
      return work.then(
        () => reply(200, {}),
        (error: unknown) => reply(500, controlFailure(error)),
      );
    }
    if (request.method === "POST" && (action === "lease" || action === "release")) {
      const key = `${name}/${service}`;
      const slice = slices.get(name);
      if (!slice || !isService(stack, service)) return reply(404, { error: `no open slice ${name} with ${service}` });
      if (action === "release") {
        await releases.get(key)?.();
        releases.delete(key);
        return reply(200, {});
      }
      return slice.lease(service).then(
        (release) => (releases.set(key, release), reply(200, {})),
        (error: unknown) => reply(500, controlFailure(error)),
      );
    }
    if (request.method === "POST" && action === "fault" && isService(stack, name)) {
      return bodyOf(request).then((body) => stack.fault(name, JSON.parse(body) as NetworkFault)).then(
        (fault) => {
          const id = String(++faultsAdded);
          faults.set(id, fault.remove);
          reply(200, { id });
        },
        (error: unknown) => reply(500, controlFailure(error)),
      );
    }
    if (request.method === "POST" && action === "unfault") {
      const remove = faults.get(name);
      faults.delete(name);
      return (remove ?? (async () => {}))().then(
        () => reply(200, {}),
        (error: unknown) => reply(500, controlFailure(error)),
      );
    }
    if (request.method === "POST" && action === "heal" && (!name || isService(stack, name))) {
      return stack.heal(name ? (name as ServiceName) : undefined).then(
        () => reply(200, describe()),
        (error: unknown) => reply(500, controlFailure(error)),
      );
    }
    if (request.method !== "POST" || !isControlAction(action) || !isService(stack, name)) {
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

/** Whether the request carries the run's token (`authorization: Bearer <token>`), compared in constant time. */
function carries(request: IncomingMessage, token: string): boolean {
  const given = Buffer.from(request.headers.authorization ?? "");
  const expected = Buffer.from(`Bearer ${token}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function bodyOf(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

function isService(stack: Stack, name: string): name is ServiceName {
  return (stack.services as readonly string[]).includes(name);
}

/** Per service: its endpoint from this machine and the one from the stack network, of the stack or of a slice. */
function endpointsOf(view: Pick<Stack, "hostEndpoint" | "networkEndpoint">, names: readonly ServiceName[]): StackDescription["endpoints"] {
  return Object.fromEntries(names.map((name) => [name, { host: view.hostEndpoint(name), network: view.networkEndpoint(name) }]));
}

function controlFailure(error: unknown): ControlFailure {
  if (!(error instanceof StackError)) return { error: (error as Error).message };
  const { code, service, problem, fix, details } = error;
  return { code, service, problem, fix, details };
}

function describeSlice(slice: StackSlice): SliceDescription {
  return {
    name: slice.name,
    index: slice.index,
    endpoints: endpointsOf(slice, slice.slicedServices),
    environment: slice.appEnvironment("network"),
    hostEnvironment: slice.appEnvironment("host"),
  };
}

function describeStack(stack: Stack, control: string, controlToken: string): StackDescription {
  return {
    runId: stack.runId,
    network: stack.network,
    services: [...stack.services],
    endpoints: endpointsOf(stack, stack.services),
    environment: stack.appEnvironment(),
    hostEnvironment: stack.appEnvironment("host"),
    control,
    controlToken,
  };
}
