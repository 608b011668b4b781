#!/usr/bin/env bash
# Runs the whole ChangeFlow test suite on a fresh Debian/Ubuntu machine: installs what the tests need,
# builds, runs every test project, and ends with one plain line: "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."

log() { printf '==> %s\n' "$*" >&2; }

ensure_dotnet() {
  if command -v dotnet >/dev/null 2>&1; then return 0; fi
  log "installing the .NET 10 SDK"
  if command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && apt-get install -y -qq dotnet-sdk-10.0 >/dev/null
  fi
  command -v dotnet >/dev/null 2>&1 || { echo "The .NET 10 SDK is required (https://dot.net)." >&2; exit 1; }
}

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

# A throw-away PostgreSQL cluster on a loopback port for the PostgreSQL and multi-node tests.
start_postgres() {
  if [ -z "$(pg_bin)" ] && command -v apt-get >/dev/null 2>&1; then
    log "installing PostgreSQL"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
  local bin; bin=$(pg_bin)
  [ -n "$bin" ] || { log "PostgreSQL is not installed; the PostgreSQL tests will say so"; return 0; }
  pg_dir=$(mktemp -d /tmp/changeflow-test-pg.XXXXXX)
  local port=55432
  while (echo >/dev/tcp/127.0.0.1/$port) 2>/dev/null; do port=$((port + 1)); done
  local as=()
  if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$pg_dir"; as=(runuser -u postgres --); fi
  "${as[@]}" "$bin/initdb" -D "$pg_dir" -A trust -U postgres -E UTF8 --no-locale >/dev/null
  "${as[@]}" "$bin/pg_ctl" -D "$pg_dir" -l "$pg_dir/log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $pg_dir -c max_connections=400 -c fsync=off -c synchronous_commit=off" start >/dev/null
  pg_stop=("${as[@]}" "$bin/pg_ctl" -D "$pg_dir" -m fast stop)
  export CHANGEFLOW_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=postgres;Timeout=30;Command Timeout=120"
  log "PostgreSQL listening on 127.0.0.1:$port"
}

# Debian's Prometheus Alertmanager for the test that sends it a real alert (it runs on loopback, started by the test).
ensure_alertmanager() {
  if [ -x /usr/bin/prometheus-alertmanager ]; then return 0; fi
  if command -v apt-get >/dev/null 2>&1; then
    log "installing prometheus-alertmanager"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq prometheus-alertmanager >/dev/null
  fi
  [ -x /usr/bin/prometheus-alertmanager ] || log "prometheus-alertmanager is not installed; the Alertmanager process test will say so"
}

# Mail delivery tests: one test sends to Debian's aiosmtpd running as a separate process (/usr/bin/python3 -m aiosmtpd).
ensure_aiosmtpd() {
  if /usr/bin/python3 -c 'import aiosmtpd' >/dev/null 2>&1; then return 0; fi
  if command -v apt-get >/dev/null 2>&1; then
    log "installing python3-aiosmtpd"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-aiosmtpd >/dev/null
  fi
}

# Browser tests (tests/ChangeFlow.Web.Tests, Support/BrowserFixture.cs) drive the system's Chromium through Playwright,
# which downloads no browser of its own; without Chromium they are skipped and say why.
install_chromium() {
  if command -v chromium >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then return 0; fi
  log "installing Chromium for the browser tests"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null || log "Chromium could not be installed; the browser tests will be skipped"
}

cleanup() {
  if [ -n "${pg_stop+x}" ]; then "${pg_stop[@]}" >/dev/null 2>&1 || true; rm -rf "$pg_dir"; fi
  rm -rf "$results"
}

ensure_dotnet
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

results=$(mktemp -d)
trap cleanup EXIT
start_postgres
ensure_alertmanager
ensure_aiosmtpd
install_chromium

log "building"
if ! dotnet build ChangeFlow.sln -c Release -nologo -v quiet -clp:ErrorsOnly; then
  echo "0 passed, 1 failed, 0 skipped"
  exit 1
fi

# The benchmarks live outside the solution (they are run by hand, results in docs/benchmarks.md); building them here
# keeps them from rotting unseen.
log "building the benchmarks"
if ! dotnet build bench/ChangeFlow.Benchmarks -c Release -nologo -v quiet -clp:ErrorsOnly; then
  echo "0 passed, 1 failed, 0 skipped"
  exit 1
fi

log "testing"
dotnet test ChangeFlow.sln -c Release --no-build -nologo \
  --logger "trx" --results-directory "$results" \
  --logger "console;verbosity=normal" 2>&1 | tee "$results/console.log" | grep -E '^\s+Failed |^(Passed|Failed)!|error|Error Message' >&2
status=${PIPESTATUS[0]}

passed=0 failed=0 skipped=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  n=$(sed -n 's/.* notExecuted="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + ${n:-0}))
done

if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
