#!/usr/bin/env bash
# Fleet simulation (issue 13 §4): N gateways x D days of aggregates and gateway_health written
# through the agent's own egress gate, SQLite outbox, sync loop and InfluxDB sink, each gateway on
# an injected clock (org.affectgate.agent.hq.FleetSim, edge-agent test sources).
#
#   deploy/hq/fleet-sim.sh --gateways 20 --days 7            fill a local VictoriaMetrics
#   deploy/hq/fleet-sim.sh --gateways 50 --days 30 --report true   + bytes/sample and panel latencies
#   deploy/hq/fleet-sim.sh --url http://vmagent:8429 ...     any InfluxDB v2 write endpoint
#
# Other options: --hours H (instead of --days), --end ISO-INSTANT (default now), --threads T
# (default 2), --silent S (the first S gateways stop reporting --silent-minutes M before the end,
# default 20), --seed N, --batch N (the agent's sync.batchSize, default 500), --flush-minutes M
# (simulated minutes between sync passes, default 60), --faults true (gateways 1-4 misbehave for
# the alert rules), --write false (report only). Nonsense arguments: one line on stderr, exit 2.
#
# Without --url it uses http://127.0.0.1:${HQ_VM_PORT:-8428}; when nothing answers there it starts
# /usr/bin/victoria-metrics with its data in ${HQ_DATA:-/var/tmp/affectgate-hq}/vm and LEAVES IT
# RUNNING for Grafana (deploy/hq/README.md); stop it with: kill "$(cat $HQ_DATA/vm.pid)".
# Environment: MVN (default "mvn -B -o").
set -euo pipefail
cd "$(dirname "$0")/../.."
MVN=${MVN:-mvn -B -o}
HQ_DATA=${HQ_DATA:-/var/tmp/affectgate-hq}
PORT=${HQ_VM_PORT:-8428}

args=("$@")
url=""
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[$i]}" in
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    --url) url="${args[$((i + 1))]:-}" ;;
  esac
done
if [ -z "$url" ]; then
  url="http://127.0.0.1:$PORT"
  if ! curl -fsS "$url/health" >/dev/null 2>&1; then
    mkdir -p "$HQ_DATA"
    /usr/bin/victoria-metrics -httpListenAddr="127.0.0.1:$PORT" -storageDataPath="$HQ_DATA/vm" \
      -retentionPeriod=100y -search.latencyOffset=0s >"$HQ_DATA/vm.log" 2>&1 &
    echo $! >"$HQ_DATA/vm.pid"
    for _ in $(seq 100); do curl -fsS "$url/health" >/dev/null 2>&1 && break; sleep 0.2; done
    curl -fsS "$url/health" >/dev/null || { echo "fleet-sim: VictoriaMetrics did not start, see $HQ_DATA/vm.log" >&2; exit 1; }
    echo "fleet-sim: started VictoriaMetrics on $url (data $HQ_DATA/vm; stop: kill \$(cat $HQ_DATA/vm.pid))"
  fi
  args+=(--url "$url")
  if [ -f "$HQ_DATA/vm.pid" ] && kill -0 "$(cat "$HQ_DATA/vm.pid")" 2>/dev/null; then
    args+=(--vm-data "$HQ_DATA/vm")
  fi
fi

$MVN -q -pl edge-agent -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/hq-classpath.txt -Dmdep.includeScope=test
CP="edge-agent/target/test-classes:edge-agent/target/classes:$(cat edge-agent/target/hq-classpath.txt)"
exec java -Xmx1g -Dlogback.statusListenerClass=ch.qos.logback.core.status.NopStatusListener -cp "$CP" org.affectgate.agent.hq.FleetSim "${args[@]}"
