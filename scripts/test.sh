#!/usr/bin/env bash
# Installs what the tests need, runs every test, and ends with the line CI reads:
#   N passed, N failed, N skipped
set -euo pipefail
cd "$(dirname "$0")/.."

# The ops page is bundled by the build from its npm lock file (src/Gateway/ClientApp): it needs Node.js and npm.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "Installing Node.js and npm (Debian) for the ops page build"
  DEBIAN_FRONTEND=noninteractive apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q nodejs npm
fi

# The browser tests drive Debian's Chromium through Playwright; no browser is ever downloaded.
if [ ! -x /usr/bin/chromium ]; then
  echo "Installing Chromium (Debian) for the browser tests"
  DEBIAN_FRONTEND=noninteractive apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium
fi

# The cluster tests run silos on Redis membership: Debian's redis-server, started by the tests themselves.
if [ ! -x /usr/bin/redis-server ]; then
  echo "Installing redis-server (Debian) for the cluster tests"
  DEBIAN_FRONTEND=noninteractive apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q redis-server
fi

# The observability test scrapes the silo and the gateway with Debian's Prometheus, started by the test itself.
if [ ! -x /usr/bin/prometheus ]; then
  echo "Installing prometheus (Debian) for the metrics test"
  DEBIAN_FRONTEND=noninteractive apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q prometheus
fi

results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT

# The wire-compatible servers the tests start in place of AWS (dynalite, s3rver, …) and the
# reference data and readers they check against (SigV4 suite, DuckDB), from the lock file.
npm ci --prefix tests/servers --no-audit --no-fund --loglevel=error

dotnet restore ChurnActors.sln
dotnet build ChurnActors.sln --no-restore -c Release
# Every test project under tests/, the rule tests (seconds, no servers) first; each writes its
# results to a directory of its own, so no two result files can take the same name.
status=0
set +e
for project in $(grep -l "<IsTestProject>true</IsTestProject>" tests/*/*.csproj | sort -r); do
  dotnet test "$project" --no-build -c Release --logger "trx" --results-directory "$results/$(basename "$project" .csproj)" || status=$?
done
set -e

passed=0; failed=0; skipped=0; total=0
shopt -s nullglob
for trx in "$results"/*/*.trx; do
  counters=$(grep -o '<Counters [^>]*' "$trx")
  value() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  total=$((total + $(value total)))
  passed=$((passed + $(value passed)))
  failed=$((failed + $(value failed) + $(value error) + $(value timeout) + $(value aborted)))
  skipped=$((skipped + $(value notExecuted)))
done

if [ "$total" -eq 0 ]; then
  echo "No test results were written: the test run did not start." >&2
  failed=1
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ] && [ "$skipped" -eq 0 ]
