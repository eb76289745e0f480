#!/usr/bin/env bash
# The fault suite (issue 17 §2): the shipped agent jar against real Mosquitto and VictoriaMetrics
# under kill -9, cloud outages on an injected clock, broker flaps, a full disk, hostile payloads and
# memory pressure. Tests: edge-agent/src/test/java/org/affectgate/agent/faults (JUnit tag "faults").
#
#   deploy/dev/fault-suite.sh            CI size, as `mvn verify` runs it (~3-4 min); prints the table
#   deploy/dev/fault-suite.sh --long     long run: 100 kill -9 cycles, 60 broker flaps, a 24 h outage
#                                        with real backoff jitter, then every Jazzer fuzz target for a
#                                        fixed number of executions; writes the table to
#                                        edge-agent/docs/fault-suite-last-run.md
#   options: --no-fuzz (long run without the fuzzers), --seed N (replay a run's random choices),
#            --case NAME (only that test class, e.g. --long --no-fuzz --case CrashConsistencyTest
#            --seed N replays the 100-cycle crash case alone; no fuzzers; prints its row, leaves the doc)
#   environment: FUZZ_RUNS (executions per fuzz target, default 200000), MVN (default "mvn -B";
#                e.g. MVN="mvn -B -o" offline)
#
# Runs as root for the disk-full case (it mounts a tmpfs; skipped otherwise). Exit status: 0 when
# every case and fuzz target passed. Agent logs of the last run: edge-agent/target/fault-suite/logs.
set -uo pipefail
cd "$(dirname "$0")/../.."

LONG=0
FUZZ=1
SEED=""
CASE=""
while [ $# -gt 0 ]; do
  case "$1" in
    --long) LONG=1 ;;
    --no-fuzz) FUZZ=0 ;;
    --seed) SEED="$2"; shift ;;
    --case) CASE="$2"; shift ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "fault-suite: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
MVN=${MVN:-mvn -B}
FUZZ_RUNS=${FUZZ_RUNS:-200000}
PROFILE=ci
TIMEOUT=10m
if [ "$LONG" = 1 ]; then PROFILE=long; TIMEOUT=180m; fi

OUT=edge-agent/target/fault-suite
ROWS=$OUT/rows.tsv
LOG=$OUT/mvn-faults.log
DOC=edge-agent/docs/fault-suite-last-run.md
mkdir -p "$OUT"
rm -f "$ROWS"

deploy/dev/services.sh install

started=$(date +%s)
seed_arg=()
if [ -n "$SEED" ]; then seed_arg=(-Daffectgate.faults.seed="$SEED"); fi
echo "fault-suite: $PROFILE run of the fault cases (log: $LOG)"
$MVN -pl edge-agent -am verify \
  -Dtest="**/faults/${CASE:-*Test}" -Dsurefire.failIfNoSpecifiedTests=false \
  -Daffectgate.faults="$PROFILE" -Daffectgate.test.timeout="$TIMEOUT" \
  "${seed_arg[@]}" 2>&1 | tee "$LOG" | grep -E '^\[(INFO|ERROR)\] (Tests run|Running)'
faults_status=${PIPESTATUS[0]}

fuzz_status=0
if [ "$LONG" = 1 ] && [ "$FUZZ" = 1 ] && [ -z "$CASE" ]; then
  # Each @FuzzTest fuzzes in its own JVM (Jazzer fuzzes one target per run). The trailing
  # libFuzzer arguments (-runs, -max_total_time) override the annotation's maxDuration.
  for target in \
    device-drivers:org.affectgate.device.wearable.HrParsersFuzzTest#fuzzJson \
    device-drivers:org.affectgate.device.wearable.HrParsersFuzzTest#fuzzBle \
    device-drivers:org.affectgate.device.kiosk.audio.AudioChunkParserFuzzTest#fuzzAudio \
    device-drivers:org.affectgate.device.kiosk.camera.CameraFramesFuzzTest#fuzzFrame \
    device-drivers:org.affectgate.device.kiosk.camera.MjpegSplitterFuzzTest#fuzzStream \
    models:org.affectgate.models.ModelManifestFuzzTest#fuzzParse; do
    module=${target%%:*}
    test=${target#*:}
    name=${test##*.}
    flog=$OUT/fuzz-$name.log
    echo "fault-suite: fuzzing $name for $FUZZ_RUNS executions (log: $flog)"
    t0=$(date +%s)
    JAZZER_FUZZ=1 $MVN -pl "$module" -am test -Djazzer.hooks=true \
      -Dtest="$test" -Dsurefire.failIfNoSpecifiedTests=false \
      -Djazzer.internal.arg.0=fuzz -Djazzer.internal.arg.1=-runs="$FUZZ_RUNS" \
      -Djazzer.internal.arg.2=-max_total_time=900 >"$flog" 2>&1
    st=$?
    secs=$(( $(date +%s) - t0 ))
    done_line=$(grep -E '^Done [0-9]+ runs' "$flog" | tail -1)
    runs=$(echo "$done_line" | awk '{print $2}')
    result=ok
    if [ $st -ne 0 ] || [ -z "$runs" ]; then result=FAIL; fuzz_status=1; fi
    printf '%s\tfuzz %s\t%s\t0\t0\t-\t%s\t%s (JVM and instrumentation included: %s s)\n' \
      "$PROFILE" "$name" "${runs:-0}" "$result" "${done_line:-no libFuzzer summary; see $flog}" \
      "$secs" >>"$ROWS"
  done
fi

elapsed=$(( $(date +%s) - started ))
duration="$((elapsed / 60)) min $((elapsed % 60)) s"

table() {
  echo "| case | cycles | losses | duplicates | recovery min / median / max | result | notes |"
  echo "|---|---:|---:|---:|---|---|---|"
  if [ -f "$ROWS" ]; then
    awk -F'\t' '{ gsub(/\|/, "/", $8); printf "| %s | %s | %s | %s | %s | %s | %s |\n", $2, $3, $4, $5, $6, $7, $8 }' "$ROWS"
  fi
}

failed=0
if [ -f "$ROWS" ]; then failed=$(awk -F'\t' '$7 != "ok"' "$ROWS" | wc -l); fi
verdict=PASS
if [ $faults_status -ne 0 ] || [ $fuzz_status -ne 0 ] || [ "$failed" -ne 0 ]; then verdict=FAIL; fi

echo
echo "Fault suite ($PROFILE): $verdict in $duration"
table

if [ "$LONG" = 1 ] && [ -z "$CASE" ]; then
  mkdir -p "$(dirname "$DOC")"
  {
    echo "# Fault suite: last long run"
    echo
    echo "Written by \`deploy/dev/fault-suite.sh --long\` (issue 17 §2); do not edit by hand."
    echo
    echo "- when: $(date -u +%Y-%m-%dT%H:%M:%SZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
    echo "- machine: $(nproc) cores, $(uname -sr), $(java -version 2>&1 | head -1)"
    echo "- duration: $duration; result: **$verdict** (maven exit $faults_status, fuzzers exit $fuzz_status)"
    echo "- fuzzing: ${FUZZ_RUNS} executions per target ($([ "$FUZZ" = 1 ] && echo run || echo skipped))"
    echo
    table
    echo
    echo "Columns: *cycles* are the faults injected (kills, flaps, failed sync passes, messages,"
    echo "fuzz executions); *losses* are acknowledged items missing at the end and *duplicates*"
    echo "items stored twice (each case's javadoc defines \"acknowledged\"); *recovery* is the time"
    echo "from the end of a fault to the agent working again (what each case measures is in its"
    echo "notes). The CI-size run of the same cases is part of \`mvn verify\` (phase"
    echo "integration-test, surefire execution \`fault-suite\`)."
  } >"$DOC"
  echo "fault-suite: wrote $DOC"
fi

[ "$verdict" = PASS ]
