#!/bin/sh
# Entrypoint of the redis look-alike, with the upstream contract: arguments starting with
# '-' or a *.conf file go to redis-server; as root it takes ownership of /data and drops
# to the redis user; protected mode is off unless a config file says otherwise.
set -e

case "$1" in
  -*|*.conf) set -- redis-server "$@" ;;
esac

if [ "$1" = 'redis-server' ] && [ "$(id -u)" = '0' ]; then
  find . \! -user redis -exec chown redis '{}' +
  exec gosu redis "$0" "$@"
fi

if [ "$1" = 'redis-server' ]; then
  shift
  case "$1" in
    *.conf) config=$1; shift; set -- redis-server "$config" "$@" ;;
    *) set -- redis-server --protected-mode no "$@" ;;
  esac
fi

exec "$@"
