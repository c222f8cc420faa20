#!/usr/bin/env bash
# Entrypoint of the pgvector look-alike. Honors the upstream postgres image contract:
# POSTGRES_PASSWORD (required unless POSTGRES_HOST_AUTH_METHOD=trust), POSTGRES_USER,
# POSTGRES_DB, POSTGRES_INITDB_ARGS, PGPORT, /docker-entrypoint-initdb.d on an empty PGDATA,
# and `postgres -c key=value` (or bare `-c key=value`) passthrough.
set -Eeuo pipefail

if [ "${1:0:1}" = '-' ]; then
  set -- postgres "$@"
fi

if [ "$1" != 'postgres' ]; then
  exec "$@"
fi

if [ "$(id -u)" = '0' ]; then
  mkdir -p "$PGDATA"
  chown postgres:postgres "$PGDATA" /var/run/postgresql
  chmod 700 "$PGDATA"
  exec gosu postgres "$BASH_SOURCE" "$@"
fi

user=${POSTGRES_USER:-postgres}
database=${POSTGRES_DB:-$user}
auth_method=${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}

fail() {
  echo "Error: $*" >&2
  exit 1
}

run_sql() {
  psql -v ON_ERROR_STOP=1 --no-password --no-psqlrc --username "$user" --dbname "${1}" "${@:2}"
}

run_init_file() {
  local file=$1
  case "$file" in
    *.sh)
      if [ -x "$file" ]; then "$file"; else . "$file"; fi
      ;;
    *.sql) run_sql "$database" -f "$file" ;;
    *.sql.gz) gunzip -c "$file" | run_sql "$database" ;;
    *.sql.xz) xzcat "$file" | run_sql "$database" ;;
    *) echo "$0: ignoring $file" ;;
  esac
}

initialize() {
  if [ -z "${POSTGRES_PASSWORD:-}" ] && [ "$auth_method" != 'trust' ]; then
    fail 'Database is uninitialized and superuser password is not specified.
  Set POSTGRES_PASSWORD to a non-empty value for the superuser,
  or POSTGRES_HOST_AUTH_METHOD=trust to allow all connections without a password.'
  fi

  local pwfile
  pwfile=$(mktemp)
  printf '%s\n' "${POSTGRES_PASSWORD:-}" >"$pwfile"
  # shellcheck disable=SC2086
  initdb --username="$user" --pwfile="$pwfile" ${POSTGRES_INITDB_ARGS:-}
  rm -f "$pwfile"

  printf '\nhost all all all %s\n' "$auth_method" >>"$PGDATA/pg_hba.conf"
  printf "\nlisten_addresses = '*'\n" >>"$PGDATA/postgresql.conf"

  # As upstream: the temporary server listens on PGPORT, where psql looks for it.
  pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -p ${PGPORT:-5432}" -w start
  if [ "$database" != 'postgres' ]; then
    run_sql postgres --set db="$database" <<<'CREATE DATABASE :"db";'
  fi
  local file
  for file in /docker-entrypoint-initdb.d/*; do
    [ -e "$file" ] || continue
    echo "$0: running $file"
    run_init_file "$file"
  done
  pg_ctl -D "$PGDATA" -m fast -w stop
  echo 'PostgreSQL init process complete; ready for start up.'
}

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  initialize
fi

exec "$@"
