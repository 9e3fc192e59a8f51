#!/usr/bin/env bash
# Several kptutor app processes behind HAProxy on 127.0.0.1, one store (`make serve`).
#
#   deploy/serve.sh up N      start Neo4j (unless TUTOR_STORE is set), N app processes on
#                             ports SERVE_PORT+1 … SERVE_PORT+N, HAProxy on SERVE_PORT
#   deploy/serve.sh down      stop what `up` started (HAProxy, the apps, Neo4j)
#   deploy/serve.sh status    what runs
#
# Environment: SERVE_PORT (default 8500), SERVE_RUN (state folder, default .serve/),
# TUTOR_STORE (default: the local Neo4j that `graph/neo4j.sh up` starts), BIN (the venv's
# bin folder, default .venv/bin), SERVE_SEED=0 to skip loading the curriculum and demo school. HAProxy comes from Debian: apt-get install haproxy.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
run="${SERVE_RUN:-$repo/.serve}"
port="${SERVE_PORT:-8500}"
bin="${BIN:-$repo/.venv/bin}"
haproxy_bin="${HAPROXY:-$(command -v haproxy || echo /usr/sbin/haproxy)}"

die() { echo "serve: $*" >&2; exit 1; }

wait_health() {  # url seconds
  local deadline=$((SECONDS + $2))
  until python3 -c 'import sys, urllib.request as u; sys.exit(u.urlopen(sys.argv[1], timeout=2).read().strip() != b"ok")' "$1/_stcore/health" 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.5
  done
}

up() {
  local n="${1:-2}"
  [[ "$n" =~ ^[1-9][0-9]?$ ]] || die "N must be a number of app processes from 1 to 99, not '$n'"
  [ -x "$haproxy_bin" ] || die "HAProxy is not installed: sudo apt-get install haproxy"
  [ -x "$bin/streamlit" ] || die "no $bin/streamlit: run 'make app' once (it installs the app)"
  [ ! -e "$run/haproxy.pid" ] || die "already running ($run): 'make serve-down' first"
  mkdir -p "$run"
  if [ -z "${TUTOR_STORE:-}" ]; then
    # Stopped again by `down` only if this started it.
    "$repo/graph/neo4j.sh" status >/dev/null 2>&1 || touch "$run/started-neo4j"
    "$repo/graph/neo4j.sh" up
    set -a; source "$repo/.neo4j.env"; set +a
  fi
  export TUTOR_STORE TUTOR_TRUSTED_PROXY=1
  if [ "${SERVE_SEED:-1}" = 1 ]; then
    # The curriculum and the demo school, as `make app` loads them (both idempotent).
    "$bin/tutor" graph load default >/dev/null
    "$bin/tutor" demo seed >/dev/null
  fi
  local servers=""
  for i in $(seq 1 "$n"); do
    local p=$((port + i))
    "$bin/streamlit" run "$repo/ui/server.py" --server.address 127.0.0.1 --server.port "$p" \
      --server.headless true --browser.gatherUsageStats false --server.fileWatcherType none \
      --client.toolbarMode minimal >"$run/app$i.log" 2>&1 &
    echo $! >"$run/app$i.pid"
    servers+="    server app$i 127.0.0.1:$p check inter 2s fall 2 rise 1 cookie app$i"$'\n'
  done
  for i in $(seq 1 "$n"); do
    wait_health "http://127.0.0.1:$((port + i))" 90 || die "app $i did not start: see $run/app$i.log"
  done
  sed -e "s|@PORT@|$port|g" -e "s|@RUN@|$run|g" "$repo/deploy/haproxy.cfg.in" >"$run/haproxy.cfg.tmp"
  python3 - "$run/haproxy.cfg.tmp" "$servers" <<'PY'
import sys
path, servers = sys.argv[1], sys.argv[2]
text = open(path, encoding="utf-8").read().replace("@SERVERS@\n", servers)
open(path, "w", encoding="utf-8").write(text)
PY
  mv "$run/haproxy.cfg.tmp" "$run/haproxy.cfg"
  "$haproxy_bin" -c -q -f "$run/haproxy.cfg" || die "bad HAProxy config: $run/haproxy.cfg"
  "$haproxy_bin" -D -f "$run/haproxy.cfg" 2>>"$run/haproxy.log"
  wait_health "http://127.0.0.1:$port" 30 || die "HAProxy does not answer: see $run/haproxy.log"
  echo "kptutor on http://127.0.0.1:$port ($n app processes on ${TUTOR_STORE%%\?*})"
}

down() {
  [ -d "$run" ] || { echo "serve: nothing runs"; return 0; }
  if [ -f "$run/haproxy.pid" ]; then
    kill "$(cat "$run/haproxy.pid")" 2>/dev/null || true
    rm -f "$run/haproxy.pid"
  fi
  for pidfile in "$run"/app*.pid; do
    [ -f "$pidfile" ] || continue
    kill "$(cat "$pidfile")" 2>/dev/null || true
    rm -f "$pidfile"
  done
  if [ -f "$run/started-neo4j" ]; then
    "$repo/graph/neo4j.sh" down
    rm -f "$run/started-neo4j"
  fi
  echo "serve: stopped"
}

status() {
  for pidfile in "$run"/haproxy.pid "$run"/app*.pid; do
    [ -f "$pidfile" ] || continue
    if kill -0 "$(cat "$pidfile")" 2>/dev/null; then state=running; else state=gone; fi
    echo "$(basename "$pidfile" .pid): $state"
  done
}

case "${1:-}" in
  up) up "${2:-2}" ;;
  down) down ;;
  status) status ;;
  *) die "usage: deploy/serve.sh up N | down | status" ;;
esac
