#!/usr/bin/env bash
# Host-side step for the model-registry image: generate the tiny deterministic llama GGUF
# (fixtures/ollama/tiny-gguf.ts) and publish it as library/tiny-llama:latest into
# artifacts/models/, the directory the Dockerfile COPYs to /models.
# Nothing is downloaded unless no Node able to run .ts files (>= 22.18) is found: then the npm
# package node@24 is installed into artifacts/node24.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
art="$here/artifacts"
gen="$repo/fixtures/ollama/tiny-gguf.ts"
pub="$here/publish.ts"
gguf="$art/tiny-llama.gguf"
models="$art/models"
stamp="$models/manifests/library/tiny-llama/latest"

die() { echo "fetch.sh (model-registry): ERROR: $*" >&2; exit 1; }
[[ -f "$gen" ]] || die "generator not found: $gen"

# Up to date when the published manifest is newer than the generator and the publisher.
if [[ -s "$stamp" && -s "$gguf" && "$stamp" -nt "$gen" && "$stamp" -nt "$pub" ]]; then
  echo "model-registry: tiny-llama already published in artifacts/models, skipping"
  exit 0
fi

strips_types() { # node binary
  "$1" -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>23||(a===23&&b>=6)||(a===22&&b>=18)?0:1)' 2>/dev/null
}
node_bin=""
for cand in "${NODE:-}" "$(command -v node || true)" \
            "${XDG_CACHE_HOME:-$HOME/.cache}/stack-harness/node24/node_modules/.bin/node" \
            "$art/node24/node_modules/.bin/node"; do
  if [[ -n "$cand" && -x "$cand" ]] && strips_types "$cand"; then node_bin="$cand"; break; fi
done
if [[ -z "$node_bin" ]]; then
  command -v npm >/dev/null || die "no Node >= 22.18 and no npm to install node@24"
  echo "model-registry: no Node >= 22.18 found; installing node@24 into artifacts/node24"
  mkdir -p "$art/node24"
  npm install --prefix "$art/node24" --no-save --no-audit --no-fund --loglevel=error node@24 >/dev/null \
    || die "npm install node@24 failed"
  node_bin="$art/node24/node_modules/.bin/node"
  strips_types "$node_bin" || die "installed node@24 cannot run .ts files"
fi

mkdir -p "$art"
echo "model-registry: generating tiny-llama.gguf with $("$node_bin" --version)"
"$node_bin" "$gen" "$gguf.tmp" >/dev/null || die "GGUF generator failed"
mv "$gguf.tmp" "$gguf"

echo "model-registry: publishing library/tiny-llama:latest into artifacts/models"
rm -rf "$models.tmp"
"$node_bin" "$pub" "$gguf" tiny-llama:latest "$models.tmp" || die "publish failed"
rm -rf "$models"
mv "$models.tmp" "$models"
echo "model-registry: done ($(stat -c %s "$gguf") bytes GGUF, sha256 $(sha256sum "$gguf" | cut -c1-12)…)"
