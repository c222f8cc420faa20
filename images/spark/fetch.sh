#!/usr/bin/env bash
# Downloads what the Spark look-alike image needs into images/spark/artifacts/ (host side,
# because HTTPS from inside containers fails): the PyPI source archive of pyspark, which holds
# Spark's jars/, bin/, sbin/ (partial), data/, python examples and python/lib/*.zip.
# Usage: bash images/spark/fetch.sh   (any cwd; SPARK_VERSION overrides the default 3.5.8)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../pip-download.sh
. "$here/../pip-download.sh"
version=${SPARK_VERSION:-3.5.8}
out="$here/artifacts"
archive="$out/pyspark-$version.tar.gz"

mkdir -p "$out"
if [ -s "$archive" ]; then
  echo "spark: pyspark-$version.tar.gz present, reused"
  exit 0
fi
echo "spark: downloading pyspark==$version source archive from PyPI (about 318 MB)"
tmp=$(mktemp -d "$out/.download.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
pip_download spark "$tmp" --no-binary :all: "pyspark==$version"
[ -s "$tmp/pyspark-$version.tar.gz" ] || { echo "spark: pip did not produce pyspark-$version.tar.gz" >&2; exit 1; }

echo "spark: checking the archive layout"
if ! python3 - "$tmp/pyspark-$version.tar.gz" "$version" <<'PY'
import sys, tarfile
path, version = sys.argv[1], sys.argv[2]
names = set(tarfile.open(path).getnames())
root = f"pyspark-{version}"
need = ["deps/bin/spark-class", "deps/bin/spark-submit", "deps/jars", "lib/pyspark.zip", "pyspark/__init__.py"]
missing = [n for n in need if f"{root}/{n}" not in names]
if not any(n.startswith(f"{root}/lib/py4j-") for n in names):
    missing.append("lib/py4j-*-src.zip")
if missing:
    sys.exit("missing in archive: " + ", ".join(missing))
PY
then
  echo "spark: pyspark-$version.tar.gz does not have the expected layout" >&2
  exit 1
fi
mv "$tmp/pyspark-$version.tar.gz" "$archive"
echo "spark: saved artifacts/pyspark-$version.tar.gz"
