import { execFile } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { serviceNames, specOf } from "../../harness/catalog/catalog.ts";
import { imageOverrideVariable } from "../../harness/images/track.ts";
import { withDependencies } from "../../harness/catalog/selection.ts";
import { tagChoicesFrom, type NightlyTarget } from "../../harness/cli/nightly-matrix.ts";
import { properties } from "../support/stack-report.ts";

interface Step {
  id?: string;
  run?: string;
  uses?: string;
  env?: Record<string, string>;
}
interface Job {
  needs?: string;
  outputs?: Record<string, string>;
  env?: Record<string, string>;
  strategy?: { matrix: Record<string, unknown> };
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  concurrency: { group: string };
  jobs: Record<string, Job>;
}

const root = fileURLToPath(new URL("../..", import.meta.url));
const workflow = async (name: string) => parse(await readFile(`${root}.github/workflows/${name}`, "utf8")) as Workflow;
const scripts = async () => (JSON.parse(await readFile(`${root}package.json`, "utf8")) as { scripts: Record<string, string> }).scripts;

let pinned: Promise<NightlyTarget[]> | undefined;
/** The output of `cli.ts matrix --tags pinned`, run once for all the specs that read it. */
function pinnedMatrix(): Promise<NightlyTarget[]> {
  pinned ??= promisify(execFile)(process.execPath, [`${root}harness/cli.ts`, "matrix", "--tags", "pinned"]).then(
    ({ stdout }) => JSON.parse(stdout) as NightlyTarget[],
  );
  return pinned;
}

describe("the nightly workflow", () => {
  it("runs on a schedule and by hand, one run at a time", async () => {
    const nightly = await workflow("nightly.yml");
    expect(Object.keys(nightly.on).sort()).toEqual(["schedule", "workflow_dispatch"]);
    expect(nightly.concurrency.group).toBeTruthy();
  });

  it("takes its services and images from the harness command, crossed with Node 22 and 24", async () => {
    const { jobs } = await workflow("nightly.yml");
    const planStep = jobs.plan!.steps.find((step) => step.run?.includes("harness/cli.ts matrix"))!;
    expect(planStep.run).toMatch(/targets=\$\(node harness\/cli\.ts matrix\)\n/);
    expect(planStep.run).toContain(`echo "targets=$targets" >> "$GITHUB_OUTPUT"`);
    expect(jobs.plan!.outputs!.targets).toBe(`\${{ steps.${planStep.id}.outputs.targets }}`);
    const [name, matrixJob] = Object.entries(jobs).find(([, job]) => job.strategy)!;
    expect(matrixJob.needs).toBe("plan");
    expect(matrixJob.strategy!.matrix, name).toEqual({ node: [22, 24], target: "${{ fromJSON(needs.plan.outputs.targets) }}" });
  });

  it("gives each job its services and images through the harness's variables, and runs the property specs", async () => {
    const job = Object.values((await workflow("nightly.yml")).jobs).find((candidate) => candidate.strategy)!;
    expect(job.env!.STACK_HARNESS_SERVICES).toBe("${{ matrix.target.services }}");
    expect(job.env!.STACK_HARNESS_LOG_DIR).toBeTruthy();
    expect(job.steps.find((step) => step.env?.IMAGES)!.env!.IMAGES).toBe("${{ toJSON(matrix.target.images) }}");
    expect(job.steps.some((step) => step.run === "npm run test:properties")).toBe(true);
    const fields = new Set(JSON.stringify(job).match(/matrix\.target\.\w+/g)!.map((reference) => reference.slice("matrix.target.".length)));
    const [target] = await pinnedMatrix();
    expect([...fields].filter((field) => !(field in target!))).toEqual([]);
  });
});

describe("the harness's matrix command", () => {
  it("covers every catalog service, on both tag choices by default", async () => {
    expect(tagChoicesFrom([])).toEqual(["pinned", "newest"]);
    const targets = await pinnedMatrix();
    expect(targets.map((target) => [target.service, target.tags])).toEqual(serviceNames.map((name) => [name, "pinned"]));
  });

  it("boots each service with its dependencies, on the catalog's pinned images", async () => {
    for (const target of await pinnedMatrix()) {
      const services = withDependencies(target.service);
      expect(target.services.split(",")).toEqual(services);
      expect(target.images).toEqual(Object.fromEntries(services.map((name) => [imageOverrideVariable(specOf(name)), specOf(name).upstreamImage])));
      expect(target.pull.split(" ").sort()).toEqual([...new Set(Object.values(target.images))].sort());
    }
    expect(withDependencies("ollama")).toEqual(["ollama", "model-registry"]);
    expect(withDependencies("spark-worker")).toEqual(["spark-master", "spark-worker"]);
  });

  it("names one image cache per image list", async () => {
    const targets = await pinnedMatrix();
    const keyOf = new Map(targets.map((target) => [target.pull, target.cacheKey]));
    expect(new Set(keyOf.values()).size).toBe(keyOf.size);
    expect(targets.find((target) => target.service === "spark-worker")!.cacheKey).toBe(targets.find((target) => target.service === "spark-master")!.cacheKey);
  });

  it("refuses an unknown tag choice", () => {
    expect(() => tagChoicesFrom(["--tags", "latest"])).toThrow(/unknown arguments "--tags latest"/);
  });
});

describe("the CI workflow", () => {
  it("typechecks, lints, runs the Docker-free specs and the whole suite on pull requests and pushes", async () => {
    const ci = await workflow("ci.yml");
    expect(Object.keys(ci.on).sort()).toEqual(["pull_request", "push"]);
    const runs = Object.values(ci.jobs).flatMap((job) => job.steps.map((step) => step.run));
    for (const command of ["npm ci", "npm run typecheck", "npm run lint", "bash .ci/actionlint", "npm run test:unit", "npm test"]) {
      expect(runs).toContain(command);
    }
  });
});

const gate = "node harness/common/supported-node.js && ";

describe("the npm scripts", () => {
  it("each refuse an old Node first (but build, typecheck and lint, which only npm ci's tools run)", async () => {
    for (const [name, command] of Object.entries(await scripts())) {
      if (["build", "prepare", "typecheck", "lint"].includes(name)) continue;
      expect(command, name).toMatch(/^node harness\/common\/supported-node\.js && /);
    }
  });

  it("run the property specs the stack report counts", async () => {
    expect((await scripts())["test:properties"]).toBe(`${gate}vitest run ${properties.map((property) => `specs/${property}.spec.ts`).join(" ")}`);
  });

  it("run the Docker-free specs from specs/unit, none of which boots a stack", async () => {
    expect((await scripts())["test:unit"]).toMatch(/^node harness\/common\/supported-node\.js && vitest run specs\/unit /);
    for (const file of await readdir(`${root}specs/unit`)) {
      expect(await readFile(`${root}specs/unit/${file}`, "utf8"), file).not.toMatch(/^import .* from "(testcontainers|[./]*harness\/stack\.ts)";$/m);
    }
  });
});
