#!/usr/bin/env bash
# A local ChangeFlow cluster: one throw-away PostgreSQL and two ChangeFlow nodes on it, all on 127.0.0.1.
#
#   scripts/cluster.sh [start] [--dir DIR] [--dll PATH] [--no-build] [--workflows DIR]
#   scripts/cluster.sh stop    [--dir DIR]
#   scripts/cluster.sh status  [--dir DIR]
#
# DIR (default $CHANGEFLOW_CLUSTER_DIR or ${TMPDIR:-/tmp}/changeflow-cluster) holds the PostgreSQL data directory,
# each node's log and the state file DIR/cluster.env (shell syntax: NODE1_URL, NODE1_PID, NODE2_URL, NODE2_PID,
# PG_PORT, CONNECTION_STRING, ...). `start` always begins with a fresh database; `stop` stops exactly the PIDs in the
# state file (SIGTERM, then SIGKILL after 15 s) and the PostgreSQL of that data directory.
# The web host is src/ChangeFlow.Web/bin/Release/net10.0/ChangeFlow.Web.dll, built unless --no-build is given;
# --dll (or $CHANGEFLOW_WEB_DLL) names another build. Extra settings for both nodes can be exported before starting,
# e.g. ChangeFlow__Runtime__SweepInterval=00:00:05.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

command=start
if [ $# -gt 0 ] && [[ "$1" != --* ]]; then command=$1; shift; fi
dir=${CHANGEFLOW_CLUSTER_DIR:-${TMPDIR:-/tmp}/changeflow-cluster}
dll=${CHANGEFLOW_WEB_DLL:-}
build=1
workflows="$root/workflows"
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) dir=$2; shift 2 ;;
    --dll) dll=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    --workflows) workflows=$2; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "cluster.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
state="$dir/cluster.env"

log() { printf '==> %s\n' "$*" >&2; }
pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
port_in_use() { (echo >/dev/tcp/127.0.0.1/"$1") >/dev/null 2>&1; }
free_port() {
  local port=$1
  while port_in_use "$port"; do port=$((port + 1)); done
  echo "$port"
}
# initdb and pg_ctl refuse to run as root.
as_postgres() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
# A PID from the state file is signalled only while it is still the process this script started.
is_our_node() { [ -n "${1:-}" ] && tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -q 'ChangeFlow.Web'; }

stop_pid() {
  local name=$1 pid=$2
  if ! is_our_node "$pid"; then log "$name (PID $pid) is not running"; return 0; fi
  log "stopping $name (PID $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 150); do is_our_node "$pid" || return 0; sleep 0.1; done
  log "$name (PID $pid) did not stop within 15 s; killing it"
  kill -KILL "$pid" 2>/dev/null || true
}

stop_cluster() {
  if [ ! -f "$state" ]; then log "no cluster state in $state"; return 0; fi
  # shellcheck disable=SC1090
  . "$state"
  stop_pid node1 "${NODE1_PID:-}"
  stop_pid node2 "${NODE2_PID:-}"
  if [ -n "${PG_DIR:-}" ] && [ -f "$PG_DIR/postmaster.pid" ]; then
    log "stopping PostgreSQL ($PG_DIR)"
    as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR" -m fast -w stop >/dev/null || true
  fi
  rm -f "$state"
}

status_cluster() {
  [ -f "$state" ] || { echo "not running (no $state)"; return 1; }
  # shellcheck disable=SC1090
  . "$state"
  local n url pid
  for n in 1 2; do
    url=$(eval echo "\$NODE${n}_URL"); pid=$(eval echo "\$NODE${n}_PID")
    if is_our_node "$pid"; then
      echo "node$n $url PID $pid ready: $(curl -s -o /dev/null -w '%{http_code}' "$url/health/ready" || echo down)"
    else
      echo "node$n $url PID $pid not running"
    fi
  done
  echo "postgres 127.0.0.1:$PG_PORT ($PG_DIR)"
}

start_node() {
  local n=$1 port=$2 node_dir="$dir/node$1"
  mkdir -p "$node_dir/data"
  (
    cd "$node_dir"
    export ASPNETCORE_URLS="http://127.0.0.1:$port" \
      ChangeFlow__NodeName="node$n" \
      ChangeFlow__DataDirectory="$node_dir/data" \
      ChangeFlow__WorkflowsDirectory="$workflows" \
      ChangeFlow__Database__Provider=PostgreSql \
      ConnectionStrings__ChangeFlow="$CONNECTION_STRING" \
      DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
    exec nohup dotnet "$dll" >"$node_dir/node.log" 2>&1 </dev/null
  ) >/dev/null 2>&1 &
  echo $!
}

wait_ready() {
  local name=$1 url=$2 pid=$3 log_file=$4
  for _ in $(seq 1 120); do
    if ! is_our_node "$pid"; then
      log "$name exited during start-up; the end of $log_file:"; tail -n 30 "$log_file" >&2; return 1
    fi
    if [ "$(curl -s -o /dev/null -w '%{http_code}' "$url/health/ready" 2>/dev/null)" = 200 ]; then return 0; fi
    sleep 0.5
  done
  log "$name is not ready after 60 s; the end of $log_file:"; tail -n 30 "$log_file" >&2
  return 1
}

start_cluster() {
  if [ -f "$state" ]; then
    # shellcheck disable=SC1090
    . "$state"
    if is_our_node "${NODE1_PID:-}" || is_our_node "${NODE2_PID:-}"; then
      echo "cluster.sh: a cluster from $dir is running; run 'scripts/cluster.sh stop' first" >&2; exit 1
    fi
    stop_cluster
  fi
  command -v dotnet >/dev/null || { echo "cluster.sh: the .NET 10 SDK is required" >&2; exit 1; }
  command -v curl >/dev/null || { echo "cluster.sh: curl is required" >&2; exit 1; }
  PG_BIN=$(pg_bin)
  if [ -z "$PG_BIN" ]; then
    echo "cluster.sh: PostgreSQL is not installed (apt-get install -y postgresql)" >&2; exit 1
  fi

  if [ -z "$dll" ]; then
    dll="$root/src/ChangeFlow.Web/bin/Release/net10.0/ChangeFlow.Web.dll"
    if [ "$build" -eq 1 ]; then
      log "building ChangeFlow.Web (Release)"
      dotnet build "$root/src/ChangeFlow.Web" -c Release -nologo -v quiet -clp:ErrorsOnly >&2
    fi
  fi
  [ -f "$dll" ] || { echo "cluster.sh: $dll does not exist (build it, or pass --dll)" >&2; exit 1; }
  dll=$(cd "$(dirname "$dll")" && pwd)/$(basename "$dll")

  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd); state="$dir/cluster.env"
  PG_DIR="$dir/pg"
  rm -rf "$PG_DIR" "$dir/node1" "$dir/node2"
  mkdir -p "$PG_DIR"
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres:postgres "$PG_DIR"
    runuser -u postgres -- test -w "$PG_DIR" || { echo "cluster.sh: the postgres user cannot reach $PG_DIR; use --dir under /tmp" >&2; exit 1; }
  fi
  PG_PORT=$(free_port 55440)
  log "initialising PostgreSQL in $PG_DIR"
  as_postgres "$PG_BIN/initdb" -D "$PG_DIR" -A trust -U postgres -E UTF8 --no-locale >"$dir/initdb.log"
  as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR" -l "$PG_DIR/log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DIR -c max_connections=300" start >/dev/null
  as_postgres "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -q -c 'CREATE DATABASE changeflow' postgres
  CONNECTION_STRING="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=changeflow;Maximum Pool Size=50"
  # Written before the nodes start, so that `stop` finds PostgreSQL even if a node fails to come up.
  write_state() {
    {
      echo "# ChangeFlow local cluster, written by scripts/cluster.sh; 'scripts/cluster.sh stop --dir $dir' stops it."
      printf '%s=%q\n' PG_BIN "$PG_BIN" PG_DIR "$PG_DIR" PG_PORT "$PG_PORT" CONNECTION_STRING "$CONNECTION_STRING" \
        NODE1_URL "${NODE1_URL:-}" NODE1_PID "${NODE1_PID:-}" NODE2_URL "${NODE2_URL:-}" NODE2_PID "${NODE2_PID:-}"
    } >"$state"
  }
  write_state

  local port1 port2
  port1=$(free_port 5081); port2=$(free_port $((port1 + 1)))
  NODE1_URL="http://127.0.0.1:$port1"; NODE2_URL="http://127.0.0.1:$port2"
  # Both nodes start at once, as they would in a real rollout: migrations, the Hangfire schema and the workflow
  # import must cope with a second node doing the same.
  NODE1_PID=$(start_node 1 "$port1")
  NODE2_PID=$(start_node 2 "$port2")
  write_state
  log "waiting for node1 (PID $NODE1_PID) and node2 (PID $NODE2_PID)"
  if ! wait_ready node1 "$NODE1_URL" "$NODE1_PID" "$dir/node1/node.log" || ! wait_ready node2 "$NODE2_URL" "$NODE2_PID" "$dir/node2/node.log"; then
    stop_cluster
    exit 1
  fi

  echo "node1 $NODE1_URL PID $NODE1_PID (log $dir/node1/node.log)"
  echo "node2 $NODE2_URL PID $NODE2_PID (log $dir/node2/node.log)"
  echo "postgres 127.0.0.1:$PG_PORT  $CONNECTION_STRING"
  echo "state $state"
}

case "$command" in
  start) start_cluster ;;
  stop) stop_cluster ;;
  status) status_cluster ;;
  *) echo "cluster.sh: unknown command '$command' (start, stop, status)" >&2; exit 2 ;;
esac
