#!/usr/bin/env bash
# Host-side build of the Toxiproxy server and CLI that the fault-proxy look-alike image COPYs in.
# Output: artifacts/toxiproxy and artifacts/toxiproxy-cli, static (CGO_ENABLED=0), as upstream ships.
# Source: github.com/Shopify/toxiproxy/v2@v2.12.0 from the Go module proxy, the version the
# upstream image ghcr.io/shopify/toxiproxy:2.12.0 runs. Measured on 2 cores: about 25 s, then cached.
set -euo pipefail

TOXIPROXY_VERSION=2.12.0
MODULE=github.com/Shopify/toxiproxy/v2

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dest="$here/artifacts"

die() { echo "fetch.sh (fault-proxy): ERROR: $*" >&2; exit 1; }

if [[ -x "$dest/toxiproxy" && -x "$dest/toxiproxy-cli" ]] && "$dest/toxiproxy" -version 2>&1 | grep -q "version $TOXIPROXY_VERSION\$"; then
  echo "fault-proxy: artifacts/toxiproxy already reports version $TOXIPROXY_VERSION, skipping"
  exit 0
fi
command -v go >/dev/null || die "go not found on PATH (Go >= 1.22 builds Toxiproxy $TOXIPROXY_VERSION)"

mkdir -p "$dest"
work="$(mktemp -d "$dest/.build.XXXXXX")"
trap 'rm -rf "$work"' EXIT
echo "fault-proxy: go install $MODULE/cmd/server and cmd/cli @v$TOXIPROXY_VERSION from the Go module proxy"
CGO_ENABLED=0 GOTOOLCHAIN=local GOBIN="$work" go install -trimpath -ldflags "-s -w -X $MODULE.Version=$TOXIPROXY_VERSION" \
  "$MODULE/cmd/server@v$TOXIPROXY_VERSION" "$MODULE/cmd/cli@v$TOXIPROXY_VERSION"
"$work/server" -version 2>&1 | grep -q "version $TOXIPROXY_VERSION\$" || die "the built server does not report version $TOXIPROXY_VERSION"
mv -f "$work/server" "$dest/toxiproxy"
mv -f "$work/cli" "$dest/toxiproxy-cli"
echo "fault-proxy: done (artifacts/toxiproxy, $(du -h "$dest/toxiproxy" | cut -f1))"
