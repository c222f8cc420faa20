// Imported first by every entry point, and run by the npm scripts before anything else: the
// harness needs Node >= 22.22 (testcontainers 12, vitest 5, TypeScript sources run as they are).
// On Node 20 those fail far from the cause: "Cannot read properties of undefined (reading 'bind')"
// inside undici, or ERR_UNKNOWN_FILE_EXTENSION for harness/cli.ts. Plain JavaScript, no imports,
// so that any Node loads it. The same bound as package.json's "engines" (a spec checks both).

/** The oldest Node the harness runs on. */
export const supportedNode = "22.22";

const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
const [needMajor = 0, needMinor = 0] = supportedNode.split(".").map(Number);
if (major < needMajor || (major === needMajor && minor < needMinor)) {
  process.stderr.write(
    `stack-harness needs Node >= ${supportedNode}, and this is Node ${process.versions.node}. ` +
      "Fix: install Node 22.22 or later (without root: `npm install --prefix ~/.cache/stack-harness/node24 node@24` " +
      "and put ~/.cache/stack-harness/node24/node_modules/.bin first on PATH), or run `./stack`, which brings it.\n",
  );
  process.exit(1);
}
