#!/bin/bash
# Entrypoint of the Elasticsearch look-alike (runs under tini as PID 1, like upstream).
# "eswrapper" (the default CMD) or a path ending in "elasticsearch" starts the server with the
# remaining arguments (e.g. -Ediscovery.type=single-node); any other command is run instead.
set -e

# Files created by Elasticsearch stay group-writable (gid 0), so any uid in group root works.
umask 0002

if [[ $# -gt 0 && "$1" != "eswrapper" && "$(basename -- "$1")" != "elasticsearch" ]]; then
  exec "$@"
fi
[[ $# -gt 0 ]] && shift

# NAME_FILE=/path sets NAME from the file's content (Docker secrets), as upstream does.
while IFS='=' read -r -d '' name _; do
  [[ $name == *_FILE && $name != *.* ]] || continue
  var=${name%_FILE}
  file=${!name}
  if [[ -n ${!var:-} ]]; then
    echo "ERROR: both $var and $name are set; they are exclusive" >&2
    exit 1
  fi
  if [[ ! -r $file ]]; then
    echo "ERROR: $name points to [$file], which is not a readable file" >&2
    exit 1
  fi
  export "$var=$(< "$file")"
  unset "$name"
done < <(env -0)

exec /usr/share/elasticsearch/bin/elasticsearch "$@"
