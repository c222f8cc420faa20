#!/usr/bin/env bash
# Host-side download step of the Neo4j look-alike (containers cannot reach registries over HTTPS).
# Resolves from Maven Central, with the host's mvn and ~/.m2 as the cache:
#   artifacts/lib/           org.neo4j:neo4j + org.neo4j.app:neo4j-server (community server, Bolt, HTTP,
#                            the neo4j/neo4j-admin launchers and the admin tool)
#   artifacts/cypher-shell/  org.neo4j:cypher-shell and the jars it does not share with lib/
#   artifacts/apoc/          org.neo4j.procedure:apoc-core + apoc-common and the jars they do not share
#                            with lib/
# Usage: bash images/neo4j/fetch.sh   (any cwd; skips parts already present)
set -euo pipefail

NEO4J_VERSION=${NEO4J_VERSION:-5.26.29}
APOC_VERSION=${APOC_VERSION:-5.26.19} # newest APOC core of the 5.26 line on Maven Central

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
art="$here/artifacts"
mkdir -p "$art"

fail() {
  echo "fetch.sh (neo4j): $*" >&2
  exit 1
}

command -v mvn >/dev/null || fail "mvn is not on the PATH"

# write_pom FILE ID DEPENDENCY-XML...
write_pom() {
  local file=$1 id=$2
  shift 2
  mkdir -p "$(dirname "$file")"
  {
    echo '<project xmlns="http://maven.apache.org/POM/4.0.0">'
    echo '  <modelVersion>4.0.0</modelVersion>'
    echo "  <groupId>stack-harness.lookalike</groupId><artifactId>$id</artifactId><version>1</version>"
    echo '  <packaging>pom</packaging>'
    echo '  <dependencies>'
    printf '    %s\n' "$@"
    echo '  </dependencies>'
    echo '</project>'
  } >"$file"
}

dep() { echo "<dependency><groupId>$1</groupId><artifactId>$2</artifactId><version>$3</version></dependency>"; }

# resolve NAME STAMP DEPENDENCY-XML...: copies runtime dependencies into artifacts/NAME
resolve() {
  local name=$1 stamp=$2
  shift 2
  local out="$art/$name"
  if [ -f "$out/.stamp" ] && [ "$(cat "$out/.stamp")" = "$stamp" ]; then
    echo "$name: present ($stamp), skipped"
    return 1
  fi
  echo "$name: resolving $stamp from Maven Central"
  write_pom "$art/poms/$name/pom.xml" "$name" "$@"
  rm -rf "$out" "$out.tmp"
  local log="$art/poms/$name/mvn.log"
  if ! mvn -B -q -f "$art/poms/$name/pom.xml" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$out.tmp" >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    fail "$name: mvn dependency:copy-dependencies failed (full log: $log)"
  fi
  mv "$out.tmp" "$out"
  return 0
}

# artifact name of a jar file name: strip the version and classifier (foo-bar-1.2.3-x.jar -> foo-bar)
artifact_of() { sed -E 's/-[0-9][^-]*(-.*)?\.jar$//' <<<"$1"; }

# drop_shared NAME MODE: removes jars of artifacts/NAME that lib/ already has.
#   MODE=same     only byte-identical files; their names go to shared-jars.txt (to be put on the
#                 classpath from lib/)
#   MODE=artifact any jar whose artifact lib/ has in any version (plugins see lib/ as their parent)
drop_shared() {
  local dir="$art/$1" mode=$2 jar base kept=0 dropped=0
  : >"$dir/shared-jars.txt"
  for jar in "$dir"/*.jar; do
    base=$(basename "$jar")
    if [ "$mode" = same ] && [ -f "$art/lib/$base" ] && cmp -s "$jar" "$art/lib/$base"; then
      echo "$base" >>"$dir/shared-jars.txt"
      rm "$jar"
      dropped=$((dropped + 1))
    elif [ "$mode" = artifact ] && compgen -G "$art/lib/$(artifact_of "$base")-[0-9]*.jar" >/dev/null; then
      rm "$jar"
      dropped=$((dropped + 1))
    else
      kept=$((kept + 1))
    fi
  done
  [ "$mode" = same ] || rm "$dir/shared-jars.txt"
  echo "$1: kept $kept jars, $dropped shared with lib/"
}

if resolve lib "neo4j $NEO4J_VERSION" \
  "$(dep org.neo4j neo4j "$NEO4J_VERSION")" \
  "$(dep org.neo4j.app neo4j-server "$NEO4J_VERSION")"; then
  [ -f "$art/lib/neo4j-server-$NEO4J_VERSION.jar" ] || fail "lib: neo4j-server-$NEO4J_VERSION.jar missing"
  echo "neo4j $NEO4J_VERSION" >"$art/lib/.stamp"
  echo "lib: $(ls "$art/lib" | grep -c '\.jar$') jars"
  # the server jars changed: the two below are de-duplicated against them
  rm -f "$art/cypher-shell/.stamp" "$art/apoc/.stamp"
fi

if resolve cypher-shell "cypher-shell $NEO4J_VERSION" \
  "$(dep org.neo4j cypher-shell "$NEO4J_VERSION")"; then
  drop_shared cypher-shell same
  echo "cypher-shell $NEO4J_VERSION" >"$art/cypher-shell/.stamp"
fi

# apoc-core's published pom omits apoc-common (the released core jar has it shaded in)
if resolve apoc "apoc-core+common $APOC_VERSION" \
  "$(dep org.neo4j.procedure apoc-core "$APOC_VERSION")" \
  "$(dep org.neo4j.procedure apoc-common "$APOC_VERSION")"; then
  drop_shared apoc artifact
  echo "apoc-core+common $APOC_VERSION" >"$art/apoc/.stamp"
fi

echo "neo4j artifacts ready in $art"
