#!/usr/bin/env bash
# Host-side download of the npm packages that the chroma look-alike image COPYs in.
# Output: artifacts/chroma-js/node_modules/{chromadb,chromadb-js-bindings-linux-x64-gnu,semver}
# chromadb's CLI (dist/cli.mjs) loads the native binding, which embeds the Rust Chroma server.
set -euo pipefail

CHROMADB_VERSION=3.5.0        # npm client + `chroma` CLI entry point
BINDINGS_VERSION=1.3.4        # native Rust server (linux x64, glibc >= 2.39)
SEMVER_VERSION=7.8.6          # the CLI's only runtime dependency

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dest="$here/artifacts/chroma-js"
mods="$dest/node_modules"

die() { echo "fetch.sh (chroma): ERROR: $*" >&2; exit 1; }
have_version() { # dir version
  [[ -f "$1/package.json" ]] && grep -q "\"version\": *\"$2\"" "$1/package.json"
}

command -v npm >/dev/null || die "npm not found on PATH"

if have_version "$mods/chromadb" "$CHROMADB_VERSION" \
   && have_version "$mods/chromadb-js-bindings-linux-x64-gnu" "$BINDINGS_VERSION" \
   && have_version "$mods/semver" "$SEMVER_VERSION" \
   && [[ -s "$mods/chromadb-js-bindings-linux-x64-gnu/chromadb-js-bindings.linux-x64-gnu.node" ]]; then
  echo "chroma: npm packages chromadb@$CHROMADB_VERSION + bindings@$BINDINGS_VERSION already present, skipping"
  exit 0
fi

echo "chroma: installing chromadb@$CHROMADB_VERSION, chromadb-js-bindings-linux-x64-gnu@$BINDINGS_VERSION, semver@$SEMVER_VERSION into artifacts/chroma-js"
rm -rf "$dest"
mkdir -p "$dest"
cat > "$dest/package.json" <<JSON
{
  "name": "stack-harness-chroma-lookalike",
  "private": true,
  "dependencies": {
    "chromadb": "$CHROMADB_VERSION",
    "chromadb-js-bindings-linux-x64-gnu": "$BINDINGS_VERSION",
    "semver": "$SEMVER_VERSION"
  }
}
JSON
# --os/--cpu/--libc: select the linux-x64-gnu binding whatever the host; skip the other platforms' bindings.
if ! npm install --prefix "$dest" --os=linux --cpu=x64 --libc=glibc \
      --ignore-scripts --no-audit --no-fund --loglevel=error >"$dest/npm-install.log" 2>&1; then
  cat "$dest/npm-install.log" >&2
  die "npm install failed (log: $dest/npm-install.log)"
fi

have_version "$mods/chromadb" "$CHROMADB_VERSION" || die "chromadb@$CHROMADB_VERSION missing after install"
have_version "$mods/chromadb-js-bindings-linux-x64-gnu" "$BINDINGS_VERSION" || die "bindings@$BINDINGS_VERSION missing after install"
have_version "$mods/semver" "$SEMVER_VERSION" || die "semver@$SEMVER_VERSION missing after install"
extra="$(ls "$mods" | grep '^chromadb-js-bindings-' | grep -v '^chromadb-js-bindings-linux-x64-gnu$' || true)"
[[ -z "$extra" ]] || die "unexpected platform bindings installed: $extra"
echo "chroma: done ($(du -sh "$mods" | cut -f1) in artifacts/chroma-js/node_modules)"
