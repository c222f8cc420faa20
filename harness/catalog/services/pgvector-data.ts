import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import pg from "pg";
import { missingFile, seedFailure, sqlDialect, statementsOf } from "../seed-files.ts";
import { seedSnapshot, type Seeding, type SliceRef, type Slicing } from "../service-spec.ts";

/** The database every slice is copied from: the stack's database as seeded, or an empty one, with the vector extension. */
const sliceTemplate = "stack_slice_template";

export async function connected(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  client.on("error", () => {}); // a restart ends the connection; the next query then rejects
  await client.connect();
  return client;
}

/** The URL of another database of the same server. */
function onDatabase(url: string, name: string): string {
  const other = new URL(url);
  other.pathname = `/${name}`;
  return other.href;
}

/** The database the stack's own part is, from the URL of the stack's own data. */
function stackDatabase(url: string): string {
  return decodeURIComponent(new URL(url).pathname.slice(1));
}

/** Works on the server from a database no part is: one may be dropped or copied while the admin is connected. */
async function asAdmin<T>(url: string, work: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = await connected(onDatabase(url, stackDatabase(url) === "postgres" ? "template1" : "postgres"));
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}

async function exists(admin: pg.Client, name: string): Promise<boolean> {
  return Boolean((await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [name])).rowCount);
}

async function ensureTemplate(admin: pg.Client, url: string): Promise<void> {
  if (await exists(admin, sliceTemplate)) return;
  await admin.query(`CREATE DATABASE ${sliceTemplate} TEMPLATE template0`);
  await withVector(onDatabase(url, sliceTemplate));
}

async function withVector(url: string): Promise<void> {
  const client = await connected(url);
  await client.query("CREATE EXTENSION IF NOT EXISTS vector").finally(() => client.end());
}

/**
 * Makes a database safe to copy from: each sequence's state is written to the WAL again (setval),
 * so that a copy's first nextval logs its own. Without it a copy inherits the source's count of
 * values already logged, and after a crash its sequences go back to the copy's start: measured
 * here, the app's next insert after a crash failed with a duplicate key.
 */
async function logSequences(url: string): Promise<void> {
  const client = await connected(url);
  await client
    .query(
      `DO $$ DECLARE sequence regclass; BEGIN
         FOR sequence IN SELECT oid::regclass FROM pg_class WHERE relkind = 'S' LOOP
           EXECUTE format('SELECT setval(%L, last_value, is_called) FROM %s', sequence, sequence);
         END LOOP;
       END $$`,
    )
    .finally(() => client.end());
}

/** Ends the other connections to a database; Postgres copies, renames and drops only a database nobody is connected to. */
async function endConnections(admin: pg.Client, name: string): Promise<void> {
  await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [name]);
}

/** Runs a statement on a database its clients may come back to: they are ended first, and one that comes back in between makes it try again. */
async function whileUnused(admin: pg.Client, name: string, statement: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await endConnections(admin, name);
    try {
      await admin.query(statement);
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== "55006" || attempt === 5) throw error; // object_in_use
    }
  }
}

/** A slice's own database. */
const sliceDatabase = (slice: SliceRef) => `slice_${slice.name}`;

/** The part's database, its spare copy of the template, and the name it goes by while being replaced. */
const names = (url: string, part: SliceRef) => {
  const live = part.index === 0 ? stackDatabase(url) : sliceDatabase(part);
  return { live, spare: `${live}_spare`, old: `${live}_old` };
};

/** The database a snapshot is kept in; the stack's seed snapshot is the template the slices are copied from. */
function snapshotDatabase(part: SliceRef, name: string): string {
  if (part.index === 0 && name === seedSnapshot) return sliceTemplate;
  return `stack_snapshot_${createHash("sha256").update(`${part.name}/${name}`).digest("hex").slice(0, 16)}`;
}

/**
 * A database per slice, copied from a template database: the stack's database as seeded, or an
 * empty one, with the vector extension either way. After each open a spare copy is made in the
 * background, so the next open (a reset) only renames: measured here, a copy takes 100 to 150 ms
 * and a rename under 1 ms.
 */
export const pgvectorSlicing: Slicing = {
  method: "its own database, copied from a template database: the stack's database as seeded, with the vector extension",
  snapshots: "a copy of the database (CREATE DATABASE ... TEMPLATE); taking or restoring one ends the connections to it",
  variables: (slice) => ({ POSTGRES_DB: sliceDatabase(slice) }),
  open: ({ url }, part) =>
    asAdmin(url, async (admin) => {
      const { live, spare, old } = names(url, part);
      await ensureTemplate(admin, url);
      if (!(await exists(admin, spare))) {
        await admin.query(`DROP DATABASE IF EXISTS ${live} WITH (FORCE)`);
        await admin.query(`CREATE DATABASE ${live} TEMPLATE ${sliceTemplate}`);
        return;
      }
      await admin.query(`DROP DATABASE IF EXISTS ${old} WITH (FORCE)`);
      if (await exists(admin, live)) await whileUnused(admin, live, `ALTER DATABASE ${live} RENAME TO ${old}`);
      await admin.query(`ALTER DATABASE ${spare} RENAME TO ${live}`);
    }),
  prepare: ({ url }, part) =>
    asAdmin(url, async (admin) => {
      const { spare, old } = names(url, part);
      await admin.query(`DROP DATABASE IF EXISTS ${old} WITH (FORCE)`);
      if (!(await exists(admin, spare))) await admin.query(`CREATE DATABASE ${spare} TEMPLATE ${sliceTemplate}`);
    }),
  snapshot: ({ url }, part, name) =>
    asAdmin(url, async (admin) => {
      const { live } = names(url, part);
      const kept = snapshotDatabase(part, name);
      await admin.query(`DROP DATABASE IF EXISTS ${kept} WITH (FORCE)`);
      await whileUnused(admin, live, `CREATE DATABASE ${kept} TEMPLATE ${live}`);
      await logSequences(onDatabase(url, kept));
      if (kept !== sliceTemplate) return;
      await withVector(onDatabase(url, sliceTemplate));
      // Spares copied from the template before it held the seed.
      const { rows } = await admin.query<{ datname: string }>(
        "SELECT datname FROM pg_database WHERE datname LIKE 'slice\\_%\\_spare' OR datname = $1",
        [names(url, part).spare],
      );
      for (const { datname } of rows) await admin.query(`DROP DATABASE ${datname} WITH (FORCE)`);
    }),
  restore: ({ url }, part, name) =>
    asAdmin(url, async (admin) => {
      const kept = snapshotDatabase(part, name);
      if (!(await exists(admin, kept))) return false;
      const { live } = names(url, part);
      await whileUnused(admin, live, `DROP DATABASE IF EXISTS ${live} WITH (FORCE)`);
      await whileUnused(admin, kept, `CREATE DATABASE ${live} TEMPLATE ${kept}`);
      return true;
    }),
};

/** Postgres seeds: a migrate command (run first), then SQL files. */
export interface PgvectorSeed {
  /**
   * A command run on this machine with DATABASE_URL pointing at the stack's database, e.g. the
   * app's migrations.
   * @example ["npx", "prisma", "migrate", "deploy"]
   */
  migrate?: string[];
  /** SQL files, run statement by statement in order. */
  sql?: string[];
}

export const pgvectorSeeding: Seeding<PgvectorSeed> = {
  shape: "{ migrate?: [command, ...args], sql?: [file.sql, ...] }",
  files: (seed) => seed.sql ?? [],
  check(seed) {
    if (typeof seed !== "object" || seed === null || Array.isArray(seed)) return "must be an object with `migrate` or `sql`";
    const { migrate, sql, ...rest } = seed as Record<string, unknown>;
    if (Object.keys(rest).length > 0) return `takes \`migrate\` and \`sql\`, not \`${Object.keys(rest)[0]}\``;
    if (migrate !== undefined && (!Array.isArray(migrate) || migrate.length === 0 || !migrate.every((part) => typeof part === "string"))) {
      return "`migrate` must be a command and its arguments as strings";
    }
    if (sql !== undefined && !Array.isArray(sql)) return "`sql` must be an array of files";
    return (sql as unknown[] | undefined)?.map(missingFile).find(Boolean)?.replace(/^/, "`sql` ");
  },
  async apply({ url }, seed) {
    if (seed.migrate) await runMigrate(url, seed.migrate);
    if (!seed.sql?.length) return;
    const client = await connected(url);
    try {
      for (const file of seed.sql) {
        for (const statement of await statementsOf(file, sqlDialect)) {
          await client.query(statement.text).catch((error: unknown) => {
            throw seedFailure("pgvector", { file, line: statement.line, statement: statement.text }, error);
          });
        }
      }
    } finally {
      await client.end();
    }
  },
};

function runMigrate(url: string, [command, ...args]: string[]): Promise<void> {
  const where = { file: [command, ...args].join(" ") };
  return new Promise((resolve, reject) => {
    const child = spawn(command!, args, { env: { ...process.env, DATABASE_URL: url }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-2_000));
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    child.on("error", (error) => reject(seedFailure("pgvector", where, error)));
    child.on("close", (code) => {
      if (code === 0) return resolve();
      const last = output.trim().split("\n").slice(-5).join(" | ");
      reject(seedFailure("pgvector", where, `the command exited ${code}${last ? `: ${last}` : ""}`));
    });
  });
}
