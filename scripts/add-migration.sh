#!/usr/bin/env bash
# Adds an EF Core migration named $1 to both providers' migrations projects (SQLite and PostgreSQL).
# Usage: scripts/add-migration.sh AddSomething
set -euo pipefail
name="${1:?usage: scripts/add-migration.sh MigrationName}"
cd "$(dirname "$0")/.."
dotnet tool restore >/dev/null
for provider in Sqlite PostgreSql; do
  dotnet tool run dotnet-ef migrations add "$name" \
    --project "src/ChangeFlow.Persistence.$provider" \
    --startup-project "src/ChangeFlow.Persistence.$provider" \
    --context ChangeFlowDbContext --output-dir Migrations
done
