#!/usr/bin/env bash
# Host-side build of the `ollama` binary that the ollama look-alike image COPYs in.
# Output: artifacts/ollama (Go + cgo, CPU backend compiled in; links only libc/libstdc++).
# Source: github.com/ollama/ollama@v0.11.4 from the Go module proxy (the last release that builds
# with plain `go install`, no cmake, with a complete module zip). Cold: several minutes, 2-3 GB RAM.
set -euo pipefail

OLLAMA_VERSION=0.11.4
MODULE=github.com/ollama/ollama

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dest="$here/artifacts"
bin="$dest/ollama"
log="$dest/go-install.log"

die() { echo "fetch.sh (ollama): ERROR: $*" >&2; exit 1; }
# `ollama --version` prints "client version is X" when no server answers; port 1 makes that instant.
reports_version() { # binary
  [[ -x "$1" ]] && OLLAMA_HOST=127.0.0.1:1 "$1" --version 2>&1 | grep -q "version is $OLLAMA_VERSION\$"
}

command -v go >/dev/null || die "go not found on PATH"
command -v gcc >/dev/null && command -v g++ >/dev/null || die "gcc/g++ not found on PATH (cgo needs them)"

if reports_version "$bin"; then
  echo "ollama: artifacts/ollama already reports version $OLLAMA_VERSION, skipping"
  exit 0
fi

mkdir -p "$dest"
export CGO_ENABLED=1 GOTOOLCHAIN=local GOFLAGS="-mod=mod -buildvcs=false -trimpath"

echo "ollama: downloading $MODULE@v$OLLAMA_VERSION from the Go module proxy"
go mod download "$MODULE@v$OLLAMA_VERSION" >"$log" 2>&1 || { cat "$log" >&2; die "go mod download failed (log: $log)"; }

echo "ollama: go install $MODULE@v$OLLAMA_VERSION (cgo; cold build takes several minutes)"
tmp="$(mktemp -d "$dest/.gobin.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
start=$SECONDS
if ! GOBIN="$tmp" go install \
      -ldflags "-s -w -X $MODULE/version.Version=$OLLAMA_VERSION -X $MODULE/server.mode=release" \
      "$MODULE@v$OLLAMA_VERSION" >>"$log" 2>&1; then
  tail -n 40 "$log" >&2
  die "go install failed (log: $log)"
fi
echo "ollama: built in $((SECONDS - start)) s"

reports_version "$tmp/ollama" || die "built binary does not report version $OLLAMA_VERSION"
mv -f "$tmp/ollama" "$bin"

if command -v ldd >/dev/null; then
  echo "ollama: shared libraries: $(ldd "$bin" | awk '{print $1}' | tr '\n' ' ')"
fi
echo "ollama: done (artifacts/ollama, $(du -h "$bin" | cut -f1))"
