#!/usr/bin/env bash
# Host-side build of the `ollama` binary that the ollama look-alike image COPYs in.
# Output: artifacts/ollama (Go + cgo, CPU backend compiled in; links only libc/libstdc++).
# Source: github.com/ollama/ollama@v0.24.0 from the Go module proxy, the last release whose runner
# is compiled in by `go build` (from 0.30 it is a cmake-built llama-server). Its module zip lacks
# four vendored headers, taken from Debian packages unpacked here (no root, nothing installed):
# nlohmann/json.hpp and json_fwd.hpp (bookworm nlohmann-json3-dev), stb/stb_image.h (bookworm
# libstb-dev) and miniaudio/miniaudio.h (trixie libminiaudio-dev; bookworm has none).
# Measured on 2 cores: about 2.5 minutes with the module downloaded, then cached.
set -euo pipefail

OLLAMA_VERSION=0.24.0
MODULE=github.com/ollama/ollama
DEBIAN_POOL=${DEBIAN_MIRROR:-http://deb.debian.org/debian}/pool/main
HEADER_DEBS=(
  n/nlohmann-json3/nlohmann-json3-dev_3.11.2-2_all.deb
  libs/libstb/libstb-dev_0.0~git20220908.8b5f1f3+ds-1_amd64.deb
  m/miniaudio/libminiaudio-dev_0.11.22+dfsg-1_all.deb
)

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dest="$here/artifacts"
bin="$dest/ollama"
log="$dest/go-build.log"

die() { echo "fetch.sh (ollama): ERROR: $*" >&2; exit 1; }
# `ollama --version` prints "client version is X" when no server answers; port 1 makes that instant.
reports_version() { # binary
  [[ -x "$1" ]] && OLLAMA_HOST=127.0.0.1:1 "$1" --version 2>&1 | grep -q "version is $OLLAMA_VERSION\$"
}

if reports_version "$bin"; then
  echo "ollama: artifacts/ollama already reports version $OLLAMA_VERSION, skipping"
  exit 0
fi
command -v go >/dev/null || die "go not found on PATH (Go >= 1.26 builds Ollama $OLLAMA_VERSION)"
command -v gcc >/dev/null && command -v g++ >/dev/null || die "gcc/g++ not found on PATH (cgo needs them)"
command -v curl >/dev/null && command -v dpkg-deb >/dev/null || die "curl and dpkg-deb are needed to unpack the header packages"

mkdir -p "$dest"
work="$(mktemp -d "$dest/.build.XXXXXX")"
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
export CGO_ENABLED=1 GOTOOLCHAIN=local GOFLAGS="-mod=mod -buildvcs=false"

echo "ollama: downloading $MODULE@v$OLLAMA_VERSION from the Go module proxy"
source_dir=$(go mod download -json "$MODULE@v$OLLAMA_VERSION" 2>"$log" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
[[ -d "$source_dir" ]] || { cat "$log" >&2; die "go mod download failed (log: $log)"; }
# The module cache is read-only; the build writes into its tree.
cp -r "$source_dir" "$work/src"
chmod -R u+w "$work/src"

echo "ollama: unpacking the headers the module zip lacks from Debian's archive"
mkdir -p "$work/debs" "$work/root" "$work/include/miniaudio"
for deb in "${HEADER_DEBS[@]}"; do
  curl -fsS -o "$work/debs/${deb##*/}" "$DEBIAN_POOL/$deb" || die "cannot download $DEBIAN_POOL/$deb"
  dpkg-deb -x "$work/debs/${deb##*/}" "$work/root"
done
# ggml includes <miniaudio/miniaudio.h>; Debian installs it as <miniaudio.h>.
cp "$work/root/usr/include/miniaudio.h" "$work/include/miniaudio/"

echo "ollama: go build $MODULE@v$OLLAMA_VERSION (cgo, CPU backend)"
start=$SECONDS
if ! (cd "$work/src" && CGO_CPPFLAGS="-I$work/include -I$work/root/usr/include -I$work/root/usr/include/stb" \
      go build -trimpath -o "$work/ollama" \
        -ldflags "-s -w -X $MODULE/version.Version=$OLLAMA_VERSION -X $MODULE/server.mode=release" . >>"$log" 2>&1); then
  tail -n 40 "$log" >&2
  die "go build failed (log: $log)"
fi
echo "ollama: built in $((SECONDS - start)) s"

reports_version "$work/ollama" || die "built binary does not report version $OLLAMA_VERSION"
mv -f "$work/ollama" "$bin"

if command -v ldd >/dev/null; then
  echo "ollama: shared libraries: $(ldd "$bin" | awk '{print $1}' | tr '\n' ' ')"
fi
echo "ollama: done (artifacts/ollama, $(du -h "$bin" | cut -f1))"
