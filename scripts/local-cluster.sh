#!/usr/bin/env bash
# A local cluster on loopback: redis-server (membership, reminders), dynalite (grain state, stream
# checkpoints), kinesalite (the probe and record streams), s3rver (the data lake), three silos and
# two gateways as processes of their own. The first silo runs the simulator, which writes its probe
# events to the Kinesis probe stream as the probe system would. Ctrl-C stops everything.
#
#   ./scripts/local-cluster.sh      ops page and API: http://127.0.0.1:5080 and :5081 (silos: 5091-5093)
set -euo pipefail
cd "$(dirname "$0")/.."

command -v redis-server >/dev/null || { echo "redis-server is needed: apt-get install redis-server" >&2; exit 1; }
npm ci --prefix tests/servers --no-audit --no-fund --loglevel=error
dotnet build ChurnActors.sln -c Release --nologo -v q

state="$(mktemp -d)"
servers=()
apps=()
stopped=
stop() {
  [ -n "$stopped" ] && return
  stopped=1
  echo "Stopping the local cluster"
  # Silos and gateways first, while Redis and the stores they leave through are still up.
  for pid in "${apps[@]}"; do kill "$pid" 2>/dev/null || true; done
  for _ in $(seq 1 30); do
    alive=0
    for pid in "${apps[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 1
  done
  for pid in "${apps[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  for pid in "${servers[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -n "${KEEP_LOGS:-}" ] || rm -rf "$state"
}
trap stop EXIT INT TERM

start() { # kind (servers|apps), name, command…
  local kind=$1 name=$2; shift 2
  "$@" > "$state/$name.log" 2>&1 &
  if [ "$kind" = servers ]; then servers+=($!); else apps+=($!); fi
  echo "  $name (pid $!, log $state/$name.log)"
}

echo "Starting the local AWS stand-ins and Redis"
start servers redis redis-server --port 6390 --bind 127.0.0.1 --save "" --appendonly no
start servers dynalite node tests/servers/dynalite-server.mjs --port 4567
start servers kinesalite node tests/servers/node_modules/kinesalite/cli.js --port 4569 --shardLimit 100 --createStreamMs 0
mkdir -p "$state/s3"
start servers s3rver node tests/servers/node_modules/s3rver/bin/s3rver.js --address 127.0.0.1 --port 4568 --directory "$state/s3" --configure-bucket churn-lake --silent
sleep 2

export Churn__Clustering__Provider=Redis
export Churn__Clustering__Redis__ConnectionString=127.0.0.1:6390
export Churn__Clustering__ClusterId=churn-local
export Churn__Storage__Provider=DynamoDb
export Churn__Storage__DynamoDb__ServiceUrl=http://127.0.0.1:4567
export Churn__Streams__Provider=Kinesis
export Churn__Streams__Kinesis__ServiceUrl=http://127.0.0.1:4569
export Churn__Streams__Kinesis__Shards=4
export Churn__Archive__Provider=S3
export Churn__Archive__S3__ServiceUrl=http://127.0.0.1:4568
export Churn__Archive__S3__Bucket=churn-lake
export Churn__Gateway__FeedbackSecret=local-cluster-feedback-secret
export Churn__Gateway__Access__OpenOnLoopback=true

echo "Starting three silos and two gateways"
for i in 1 2 3; do
  # The first silo creates the streams and the checkpoint table; the others join once it is ready.
  if [ "$i" = 2 ]; then
    for _ in $(seq 1 60); do curl -fs http://127.0.0.1:5091/health/ready >/dev/null && break; sleep 1; done
  fi
  Churn__Clustering__SiloPort=$((11110 + i)) Churn__Clustering__GatewayPort=$((30000 + i)) \
  Churn__Simulator__Enabled=$([ "$i" = 1 ] && echo true || echo false) Urls=http://127.0.0.1:$((5090 + i)) \
    start apps "silo$i" dotnet src/Silo/bin/Release/net10.0/ChurnActors.Silo.dll --contentRoot "$PWD/src/Silo"
done
# Two gateways, as behind a load balancer: either takes any request, and a replayed feedback request
# is refused by both (the signatures they accepted live in the cluster).
for g in 0 1; do
  Urls=http://127.0.0.1:$((5080 + g)) \
    start apps "gateway$((g + 1))" dotnet src/Gateway/bin/Release/net10.0/ChurnActors.Gateway.dll --contentRoot "$PWD/src/Gateway"
done

echo "Up: http://127.0.0.1:5080 and http://127.0.0.1:5081 (Ctrl-C to stop)"
wait -n "${servers[@]}" "${apps[@]}" || true
echo "A process of the cluster ended; see the logs above." >&2
