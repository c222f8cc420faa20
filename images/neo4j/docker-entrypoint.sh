#!/usr/bin/env bash
# Entrypoint of the Neo4j 5 community look-alike (runs under tini, like the neo4j image).
# Contract honoured:
#   - starts as root, makes /data and /logs usable by neo4j (uid 7474), runs everything as neo4j;
#     under `docker run --user` it runs as that user and only checks the folders
#   - NEO4J_AUTH=neo4j/<password>[/true] sets the initial password while the DBMS is not
#     initialised yet (later values are ignored); NEO4J_AUTH=none disables auth; NEO4J_AUTH_PATH
#     reads the same value from a file; a password shorter than
#     dbms.security.auth_minimum_password_length (8) makes the container exit with code 70
#   - NEO4J_<setting> variables become neo4j.conf settings: prefix dropped, `_` -> `.`, `__` -> `_`
#     (NEO4J_server_memory_heap_max__size=512m -> server.memory.heap.max_size=512m); apoc.* go to
#     apoc.conf; server.jvm.additional is appended, anything else replaces the file's value
#   - mounted /conf, /plugins, /import, /ssl, /licenses; NEO4J_PLUGINS='["apoc"]' (APOC core is
#     bundled in labs/; plugins that upstream downloads are reported and skipped: no network)
#   - `neo4j` runs the server in the foreground with the java command Neo4j's launcher derives
#     from neo4j.conf (heap, JVM options); `dump-config` copies the configuration to /conf;
#     any other command runs as the neo4j user
set -Eeuo pipefail
shopt -s nullglob

cmd=${1:-neo4j}
NEO4J_HOME=${NEO4J_HOME:-/var/lib/neo4j}
conf_dir="$NEO4J_HOME/conf"
conf="$conf_dir/neo4j.conf"

debug() {
  if [ -n "${NEO4J_DEBUG+set}" ]; then echo "DEBUG: $*" >&2; fi
}

fail() {
  echo >&2 "$*"
  exit 1
}

if [ "$(id -u)" = 0 ]; then
  running_as_root=true
  run_as=(gosu neo4j:neo4j)
else
  running_as_root=false
  run_as=()
fi

# can_neo4j TEST PATH: file test (-r/-w) as the user the server will run as
can_neo4j() {
  "${run_as[@]}" test "$1" "$2"
}

check_readable() {
  if ! can_neo4j -r "$1"; then
    fail "Folder mounted to \"$1\" is not readable by user $("${run_as[@]}" id -u):$("${run_as[@]}" id -g).
Make it readable, or run the container as its owner with --user."
  fi
}

# check_writable DIR: as root, hand DIR to neo4j when neo4j cannot write it or something in it;
# as another user, only verify it.
check_writable() {
  local dir=$1
  if $running_as_root; then
    if ! can_neo4j -w "$dir"; then
      echo "Warning: Folder mounted to \"$dir\" is not writable from inside container. Changing folder owner to neo4j."
      chown -R neo4j:neo4j "$dir"
    elif [ -n "$(gosu neo4j:neo4j find "$dir" -not -writable -print -quit 2>/dev/null)" ]; then
      echo "Warning: Some files inside \"$dir\" are not writable from inside container. Changing folder owner to neo4j."
      chown -R neo4j:neo4j "$dir"
    fi
  elif [ ! -w "$dir" ]; then
    fail "Folder mounted to \"$dir\" is not writable by user $(id -u):$(id -g).
Make it writable, or run the container as its owner with --user."
  fi
}

ensure_trailing_newline() {
  if [ -s "$1" ] && [ -n "$(tail -c1 "$1")" ]; then echo >>"$1"; fi
}

# has_setting FILE NAME: FILE sets NAME on a line of its own
has_setting() {
  [ -e "$1" ] && awk -v key="$2=" 'index($0, key) == 1 { found = 1 } END { exit !found }' "$1"
}

# last value of a setting in neo4j.conf (empty when unset)
conf_value() {
  [ -e "$conf" ] || return 0
  awk -v key="$1=" 'index($0, key) == 1 { value = substr($0, length(key) + 1) } END { print value }' "$conf"
}

# docker defaults never override a value the configuration already has
add_default_setting() {
  if ! has_setting "$conf" "$1"; then
    debug "Appended $1=$2 to $conf"
    ensure_trailing_newline "$conf"
    echo "$1=$2" >>"$conf"
  fi
}

# settings from the environment replace the file's value (server.jvm.additional adds one more)
add_env_setting() {
  local setting=$1 value=$2 file="$conf"
  case "$setting" in
    apoc.*) file="$conf_dir/apoc.conf" ;;
  esac
  touch "$file"
  if [ "$setting" = server.jvm.additional ] && grep -qxF -- "$setting=$value" "$file"; then
    return 0 # already there from an earlier start of this container
  fi
  if [ "$setting" != server.jvm.additional ] && has_setting "$file" "$setting"; then
    awk -v key="$setting=" 'index($0, key) != 1' "$file" >"$file.tmp"
    cat "$file.tmp" >"$file"
    rm -f "$file.tmp"
  fi
  debug "Appended $setting=$value to $file"
  ensure_trailing_newline "$file"
  printf '%s=%s\n' "$setting" "$value" >>"$file"
}

# ==== mounted folders ====

# a mounted /conf replaces the configuration (except for dump-config, which writes to it)
if [ -d /conf ] && [ "$cmd" != dump-config ]; then
  check_readable /conf
  rm -rf "${conf_dir:?}"/*
  debug "Copying the files of /conf to $conf_dir"
  find /conf -type f -exec cp --preserve=ownership,mode {} "$conf_dir" \;
fi

if [ -d /ssl ]; then
  check_readable /ssl
  rm -rf "$NEO4J_HOME/certificates"
  ln -s /ssl "$NEO4J_HOME/certificates"
fi

if [ -n "${NEO4JLABS_PLUGINS:-}" ]; then
  echo >&2 "NEO4JLABS_PLUGINS has been renamed to NEO4J_PLUGINS since Neo4j 5.0.0; the old name still works."
  : "${NEO4J_PLUGINS:=$NEO4JLABS_PLUGINS}"
fi

if [ -d /plugins ]; then
  if [ -n "${NEO4J_PLUGINS:-}" ]; then check_writable /plugins; fi
  check_readable /plugins
  : "${NEO4J_server_directories_plugins:=/plugins}"
fi

if [ -d /import ]; then
  check_readable /import
  : "${NEO4J_server_directories_import:=/import}"
fi

if [ -d /logs ]; then
  check_writable /logs
  : "${NEO4J_server_directories_logs:=/logs}"
fi

if [ -d /data ]; then
  check_writable /data
fi

if [ -d /licenses ]; then
  check_readable /licenses
  : "${NEO4J_server_directories_licenses:=/licenses}"
fi

if $running_as_root; then
  chown -R neo4j:neo4j "$conf_dir" "$NEO4J_HOME/plugins" "$NEO4J_HOME/run"
fi
touch "$conf"

# ==== plugins ====

# plugins the neo4j image knows; only APOC core ships inside the image, the others are downloads
known_plugins=(apoc apoc-extended bloom genai graph-algorithms graph-data-science graphql n10s)

install_plugins() {
  local names name plugins_dir="$NEO4J_HOME/plugins" before jar
  [ -d /plugins ] && plugins_dir=/plugins
  names=$(jq --raw-output '.[]' <<<"$NEO4J_PLUGINS") || fail "NEO4J_PLUGINS must be a JSON array of names, like '[\"apoc\"]'"
  for name in $names; do
    if [[ " ${known_plugins[*]} " != *" $name "* ]]; then
      printf >&2 '"%s" is not a known Neo4j plugin. Options are:\n%s\n' "$name" "$(printf '%s\n' "${known_plugins[@]}")"
      exit 1
    fi
  done
  before=$(mktemp)
  cp "$conf" "$before"
  for name in $names; do
    if [ "$name" != apoc ]; then
      echo >&2 "WARNING: plugin \"$name\" is not bundled in this image and cannot be downloaded (no network)."
      echo >&2 "Neo4j will continue to start, but \"$name\" will not be loaded."
      continue
    fi
    # APOC core comes as its jar (-> plugins/apoc.jar) plus the libraries the release jar shades
    local jars=("$NEO4J_HOME"/labs/apoc/*.jar)
    [ ${#jars[@]} -gt 0 ] || fail "APOC core is missing from $NEO4J_HOME/labs/apoc"
    echo "Installing Plugin 'apoc' from $NEO4J_HOME/labs/apoc (${#jars[@]} jars) to $plugins_dir/apoc.jar"
    for jar in "${jars[@]}"; do
      case "$(basename "$jar")" in
        apoc-core-*) dest="$plugins_dir/apoc.jar" ;;
        *) dest="$plugins_dir/apoc-lib-$(basename "$jar")" ;;
      esac
      cp "$jar" "$dest"
      chmod a+r "$dest"
      if $running_as_root; then chown neo4j:neo4j "$dest"; fi
    done
    # APOC needs its procedures unrestricted; a value the user set wins
    if has_setting "$before" dbms.security.procedures.unrestricted; then
      echo "Skipping dbms.security.procedures.unrestricted for plugin apoc because it is already set."
      echo "You may need to add apoc.* to the dbms.security.procedures.unrestricted setting in your configuration file."
    elif has_setting "$conf" dbms.security.procedures.unrestricted; then
      sed -i 's/^dbms\.security\.procedures\.unrestricted=/&apoc.*,/' "$conf"
    else
      add_default_setting dbms.security.procedures.unrestricted 'apoc.*'
    fi
  done
  rm -f "$before"
}

if [ -n "${NEO4J_PLUGINS:-}" ]; then
  install_plugins
fi

# ==== configuration ====

# names older images used for a few settings
: "${NEO4J_db_tx__log_rotation_retention__policy:=${NEO4J_dbms_tx__log_rotation_retention__policy:-}}"
: "${NEO4J_server_memory_pagecache_size:=${NEO4J_dbms_memory_pagecache_size:-}}"
: "${NEO4J_server_default__listen__address:=${NEO4J_dbms_default__listen__address:-}}"

add_default_setting server.memory.pagecache.size 512M
add_default_setting server.default_listen_address 0.0.0.0
add_default_setting server.directories.run /run

# NEO4J_* variables that steer this script rather than name settings
not_settings=" NEO4J_ACCEPT_LICENSE_AGREEMENT NEO4J_AUTH NEO4J_AUTH_PATH NEO4J_DEBUG NEO4J_EDITION NEO4J_HOME NEO4J_PLUGINS NEO4J_SHA256 NEO4J_TARBALL NEO4JLABS_PLUGINS "

for var in $(compgen -v NEO4J_ | sort -r); do
  [[ "$not_settings" == *" $var "* ]] && continue
  value=${!var}
  [ -n "$value" ] || continue
  setting=${var#NEO4J_}
  setting=${setting//_/.}
  setting=${setting//../_}
  if [[ "$setting" =~ ^[0-9] ]]; then
    echo >&2 "WARNING: $setting not written to conf file because settings that start with a number are not permitted"
    continue
  fi
  add_env_setting "$setting" "$value"
done

# ==== initial password ====

set_initial_password() {
  local auth=$1 user password reset min_length data_dir
  [ "$cmd" = neo4j ] || return 0
  if [ "$auth" = none ]; then
    add_env_setting dbms.security.auth_enabled false
    return 0
  fi
  [ -n "$auth" ] || return 0
  if [[ ! "$auth" =~ ^([^/]+)/([^/]+)/?([tT][rR][uU][eE])?$ ]]; then
    echo >&2 "Invalid value for NEO4J_AUTH: '$auth'"
    exit 1
  fi
  user=${BASH_REMATCH[1]}
  password=${BASH_REMATCH[2]}
  reset=${BASH_REMATCH[3]}
  if [ "$password" = neo4j ]; then
    fail "Invalid value for password. It cannot be 'neo4j', which is the default."
  fi
  if [ "$user" != neo4j ]; then
    fail "Invalid admin username, it must be neo4j."
  fi
  min_length=$(conf_value dbms.security.auth_minimum_password_length)
  min_length=${min_length:-8}
  if [ "${#password}" -lt "$min_length" ]; then
    echo >&2 "Invalid value for password. The minimum password length is $min_length characters.
Neo4j will not start. Either:
  1) use a longer password in NEO4J_AUTH, or
  2) lower the minimum with dbms.security.auth_minimum_password_length in neo4j.conf, or
  3) lower it with the environment variable NEO4J_dbms_security_auth__minimum__password__length."
    exit 70
  fi

  # the password only takes effect before the system database exists; later values are ignored
  data_dir=$(conf_value server.directories.data)
  data_dir=${data_dir:-data}
  [[ "$data_dir" == /* ]] || data_dir="$NEO4J_HOME/$data_dir"
  if [ -d "$data_dir/databases/system" ]; then
    debug "The DBMS is already initialised; NEO4J_AUTH is not applied again"
    return 0
  fi
  if $running_as_root; then
    mkdir -p "$data_dir/dbms"
    chown neo4j:neo4j "$data_dir/dbms"
  fi
  local args=(dbms set-initial-password "$password")
  [ -z "$reset" ] || args+=(--require-password-change)
  [ -z "${EXTENDED_CONF+set}" ] || args+=(--expand-commands)
  debug "Setting the initial password"
  "${run_as[@]}" env NEO4J_HOME="$NEO4J_HOME" NEO4J_CONF="$conf_dir" \
    java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "$NEO4J_HOME/lib/*" \
    org.neo4j.cli.AdminTool "${args[@]}"
}

if [ -n "${NEO4J_AUTH_PATH:-}" ]; then
  [ -f "$NEO4J_AUTH_PATH" ] || fail "The password file '$NEO4J_AUTH_PATH' does not exist"
  check_readable "$NEO4J_AUTH_PATH"
  set_initial_password "$(cat "$NEO4J_AUTH_PATH")"
else
  set_initial_password "${NEO4J_AUTH:-}"
fi

if [ -f "${EXTENSION_SCRIPT:-}" ]; then
  # shellcheck disable=SC1090
  . "$EXTENSION_SCRIPT"
fi

# ==== run ====

case "$cmd" in
  dump-config)
    [ -d /conf ] || fail "You must mount a folder to /conf so that the configuration file(s) can be dumped to there."
    check_writable /conf
    cp -R "$conf_dir"/. /conf/
    echo "Config Dumped"
    exit 0
    ;;
  neo4j)
    # Neo4j's launcher prints the server's java command (heap from server.memory.heap.*, the
    # server.jvm.additional options, class path); run that command directly so the JVM gets
    # docker's signals and leaves no pid file behind.
    launcher_args=(console --dry-run)
    [ -z "${EXTENDED_CONF+set}" ] || launcher_args+=(--expand-commands)
    java_cmd=$("${run_as[@]}" neo4j "${launcher_args[@]}")
    [ -n "$java_cmd" ] || fail "The Neo4j launcher produced no command"
    debug "${run_as[*]} $java_cmd"
    # the command's class path holds literal `*` entries: no file name expansion
    set -f
    eval "exec ${run_as[*]} $java_cmd"
    ;;
  *)
    exec "${run_as[@]}" "$@"
    ;;
esac
