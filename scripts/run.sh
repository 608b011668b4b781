#!/usr/bin/env bash
# Runs the ChangeFlow service on its embedded defaults: SQLite under ./data, the workflows in ./workflows,
# listening on http://127.0.0.1:5080 (override with e.g. ChangeFlow__DataDirectory=/srv/changeflow or --urls).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v dotnet >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1; then apt-get update -qq && apt-get install -y -qq dotnet-sdk-10.0 >/dev/null; fi
  command -v dotnet >/dev/null 2>&1 || { echo "The .NET 10 SDK is required (https://dot.net)." >&2; exit 1; }
fi
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
exec dotnet run --project src/ChangeFlow.Web -c Release -- "$@"
