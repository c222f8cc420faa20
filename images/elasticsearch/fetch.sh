#!/usr/bin/env bash
# Host-side download of the Elasticsearch server jars (org.elasticsearch:elasticsearch and the
# transport-netty4 plugin, with their runtime dependencies) from Maven Central into
# artifacts/lib/, which the Dockerfile copies. ~/.m2 is the download cache.
# Usage: bash images/elasticsearch/fetch.sh   (from any directory; fast when already done)
set -euo pipefail

ES_VERSION=${ES_VERSION:-8.19.20}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out="$here/artifacts"
lib="$out/lib"
stamp="$lib/.complete-$ES_VERSION"

if [[ -f "$stamp" ]]; then
  echo "elasticsearch: artifacts/lib for $ES_VERSION present ($(ls "$lib"/*.jar | wc -l) jars), reused"
  exit 0
fi
command -v mvn >/dev/null || { echo "elasticsearch: mvn is not on the PATH" >&2; exit 1; }

mkdir -p "$out"
cat >"$out/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>stack-harness</groupId>
  <artifactId>elasticsearch-lookalike-deps</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.elasticsearch</groupId>
      <artifactId>elasticsearch</artifactId>
      <version>$ES_VERSION</version>
    </dependency>
    <dependency>
      <groupId>org.elasticsearch.plugin</groupId>
      <artifactId>transport-netty4</artifactId>
      <version>$ES_VERSION</version>
    </dependency>
  </dependencies>
</project>
POM

echo "elasticsearch: resolving org.elasticsearch:elasticsearch:$ES_VERSION + transport-netty4 from Maven Central"
rm -rf "$lib.tmp"
if ! mvn -q -B -f "$out/pom.xml" dependency:copy-dependencies \
       -DincludeScope=runtime -DoutputDirectory="$lib.tmp" >"$out/mvn.log" 2>&1; then
  tail -n 30 "$out/mvn.log" >&2
  echo "elasticsearch: mvn dependency:copy-dependencies failed (log: $out/mvn.log)" >&2
  exit 1
fi
for required in "elasticsearch-$ES_VERSION.jar" "transport-netty4-$ES_VERSION.jar" log4j-core-; do
  ls "$lib.tmp"/$required* >/dev/null 2>&1 || { echo "elasticsearch: $required missing after download" >&2; exit 1; }
done
rm -rf "$lib"
mv "$lib.tmp" "$lib"
touch "$stamp"
echo "elasticsearch: $(ls "$lib"/*.jar | wc -l) jars, $(du -sh "$lib" | cut -f1) in artifacts/lib"
