#!/bin/bash
# /opt/entrypoint.sh of the stack-harness Spark look-alike.
# Contract kept from apache/spark:3.5.8-scala2.12-java17-python3-ubuntu: the given command is
# exec'd as is (standalone Master/Worker, spark-submit, bash, ...); with no command the
# container just exits (status 0). The Kubernetes modes `driver` and `executor` are not
# provided by this image and fail with a clear message.
set -eo pipefail

# A uid without a passwd entry (docker run --user 12345) breaks Spark's/Hadoop's user lookup;
# give it a temporary entry through nss_wrapper when the library is there.
add_passwd_entry_if_missing() {
  local uid gid lib
  uid=$(id -u)
  gid=$(id -g)
  if getent passwd "$uid" >/dev/null 2>&1; then
    return 0
  fi
  for lib in /usr/lib/*/libnss_wrapper.so /usr/lib/libnss_wrapper.so; do
    if [ -s "$lib" ]; then
      NSS_WRAPPER_PASSWD=$(mktemp)
      NSS_WRAPPER_GROUP=$(mktemp)
      printf 'spark:x:%s:%s:%s:%s:/bin/false\n' "$uid" "$gid" \
        "${SPARK_USER_NAME:-anonymous uid}" "${SPARK_HOME:-/opt/spark}" >"$NSS_WRAPPER_PASSWD"
      printf 'spark:x:%s:\n' "$gid" >"$NSS_WRAPPER_GROUP"
      export LD_PRELOAD="$lib" NSS_WRAPPER_PASSWD NSS_WRAPPER_GROUP
      return 0
    fi
  done
}

case "${1-}" in
  driver | executor)
    echo "entrypoint: '$1' (Spark on Kubernetes) is not supported by this look-alike image;" >&2
    echo "entrypoint: run a command instead, e.g. /opt/spark/bin/spark-class org.apache.spark.deploy.master.Master" >&2
    exit 64
    ;;
esac

if [ "$#" -eq 0 ]; then
  # Same as the upstream image: nothing to run, nothing done.
  exit 0
fi

add_passwd_entry_if_missing
exec "$@"
