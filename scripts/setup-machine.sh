# Sourced by ./stack and .ci/run: brings what a fresh clone needs on this machine, or stops within
# seconds with the exact fix where it cannot.
#   - a Docker engine: as root on Debian, Debian's docker.io is installed and dockerd started when
#     `docker info` fails (20.10 here; dockerd keeps running after the script);
#   - Node >= 22.22: the npm package node@24 in ~/.cache/stack-harness/node24 when the system Node
#     is older, put first on PATH;
#   - npm ci, when node_modules is missing or older than package-lock.json;
#   - debootstrap, which builds the look-alike base images, as root on Debian.
# setup_test_machine also brings what the whole suite needs beyond that: Debian's podman, as root
# on Debian, for specs/podman.spec.ts.
# Call them from the repository's root.

setup_fail() { # problem fix
  printf 'stack-harness setup: %s\nFix: %s\n' "$1" "$2" >&2
  exit 1
}

is_root_on_debian() {
  [ "$(id -u)" = 0 ] && [ -f /etc/debian_version ] && command -v apt-get >/dev/null
}

ensure_docker_engine() {
  if docker info >/dev/null 2>&1; then
    echo "Docker engine: reachable"
    return
  fi
  if ! is_root_on_debian; then
    case "$(uname -s)" in
      Darwin) setup_fail "no Docker engine answers (\`docker info\` fails)." "start Docker Desktop (or colima), then run this again." ;;
      *) setup_fail "no Docker engine answers (\`docker info\` fails), and only root on Debian can install one here." \
           "start your Docker engine (e.g. \`sudo systemctl start docker\`), or run this as root on Debian to install Debian's docker.io." ;;
    esac
  fi
  if ! command -v dockerd >/dev/null; then
    echo "Docker engine: installing Debian's docker.io"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null
  fi
  echo "Docker engine: starting dockerd (log: /var/log/stack-harness-dockerd.log)"
  # Its own session, so that it outlives this script and the terminal.
  setsid nohup dockerd >>/var/log/stack-harness-dockerd.log 2>&1 </dev/null &
  for _ in $(seq 60); do
    docker info >/dev/null 2>&1 && { echo "Docker engine: up"; return; }
    sleep 1
  done
  tail -n 30 /var/log/stack-harness-dockerd.log >&2
  setup_fail "dockerd did not answer within 60 s." "read /var/log/stack-harness-dockerd.log above."
}

ensure_node() {
  if node harness/common/supported-node.js 2>/dev/null; then
    echo "Node: $(node --version)"
    return
  fi
  command -v npm >/dev/null || setup_fail "Node >= 22.22 is needed and there is no npm to fetch it with." \
    "install Node 22.22 or later (https://nodejs.org), then run this again."
  local prefix="${XDG_CACHE_HOME:-$HOME/.cache}/stack-harness/node24"
  if [ ! -x "$prefix/node_modules/.bin/node" ]; then
    echo "Node: system Node is $(node --version 2>/dev/null || echo missing); installing node@24 into $prefix"
    npm install --prefix "$prefix" --no-save --no-audit --no-fund node@24 >/dev/null
  fi
  export PATH="$prefix/node_modules/.bin:$PATH"
  echo "Node: $(node --version) from the npm package node@24"
}

ensure_npm_install() {
  if [ -f node_modules/.package-lock.json ] && [ ! package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "npm: node_modules up to date"
    return
  fi
  echo "npm: npm ci"
  npm ci --no-audit --no-fund
}

ensure_debootstrap() {
  command -v debootstrap >/dev/null && return
  is_root_on_debian || return 0 # the look-alike build names the fix if it ever needs it
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
}

ensure_podman() {
  command -v podman >/dev/null && return
  is_root_on_debian || return 0 # specs/podman.spec.ts names the fix
  echo "Podman: installing Debian's podman (for specs/podman.spec.ts)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman >/dev/null
}

setup_machine() {
  ensure_docker_engine
  ensure_node
  ensure_npm_install
  ensure_debootstrap
}

setup_test_machine() {
  setup_machine
  ensure_podman
}
