#!/usr/bin/env bash
# One command per benchmark (edge-agent/bench/README.md says what each measures, in which units,
# CPU or wall). Run from anywhere; works in the repository root.
#
#   deploy/dev/bench.sh list                     the names below
#   deploy/dev/bench.sh NAME [-Dprop=value ...] [args ...]
#
# main() benchmarks (java in a fresh JVM; -D options go to that JVM, the rest to main):
#   jmh [JMH options]         the JMH micro-benchmarks, e.g. `jmh VoiceFrame` or `jmh -l`; each class
#                             sets forks 1, 2 warm-up and 3 measured iterations (override: -f -wi -i)
#   hrv-engine [subjects] [minutes]   HrvEngineBenchmark
#   voice [rounds]            VoiceBenchmark (agent vs Praat on the same files)
#   ingest [wearables ...]    IngestBenchmark (-Dbench.seconds=60)
#   outbox [points] [syncPoints]      OutboxBenchmark
#   camera [dataDir] [--frames N] [--rounds N] [--model ID]   CameraBenchmark
# JUnit-driven benchmarks (through surefire, their -Dbench.* switch set; -D options go to Maven,
# which hands them to the test JVM; figures are printed from the surefire output file):
#   overload                  OverloadBenchmark (-Dbench.seconds, -Dbench.loads, -Dbench.devices)
#   withdrawal-under-load     WithdrawalUnderLoadBenchmark (-Dbench.withdrawals)
#   withdrawal-latency        WithdrawalLatencyBenchmark
#   kiosk-withdrawal          KioskWithdrawalBenchmark
#   stress-inference          StressInferenceBenchmark
#   kiosk-state               KioskStateBenchmark (-Dbench.seconds)
#
# environment: MVN (default "mvn -o -B -q").
# Builds the reactor up to edge-agent/bench first (test-compile; a minute or more on a busy machine).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
MVN=${MVN:-mvn -o -B -q}
BENCH=edge-agent/bench

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }

[ $# -ge 1 ] || { usage >&2; exit 2; }
NAME=$1
shift

main_class() {
  case "$1" in
    jmh) echo org.openjdk.jmh.Main ;;
    hrv-engine) echo org.affectgate.agent.hrv.HrvEngineBenchmark ;;
    voice) echo org.affectgate.agent.voice.VoiceBenchmark ;;
    ingest) echo org.affectgate.agent.bench.IngestBenchmark ;;
    outbox) echo org.affectgate.sync.bench.OutboxBenchmark ;;
    camera) echo org.affectgate.models.bench.CameraBenchmark ;;
    *) return 1 ;;
  esac
}

# JUnit benchmarks: "TestClass switch-property"
junit_test() {
  case "$1" in
    overload) echo "org.affectgate.agent.bench.OverloadBenchmark bench.overload" ;;
    withdrawal-under-load) echo "org.affectgate.agent.pipeline.WithdrawalUnderLoadBenchmark bench.withdrawal" ;;
    withdrawal-latency) echo "org.affectgate.agent.pipeline.WithdrawalLatencyBenchmark bench.withdrawal" ;;
    kiosk-withdrawal) echo "org.affectgate.agent.vision.KioskWithdrawalBenchmark bench.withdrawal" ;;
    stress-inference) echo "org.affectgate.agent.stress.StressInferenceBenchmark bench.stress" ;;
    kiosk-state) echo "org.affectgate.agent.bench.KioskStateBenchmark bench.kioskstate" ;;
    *) return 1 ;;
  esac
}

if [ "$NAME" = list ]; then
  echo "main: jmh hrv-engine voice ingest outbox camera"
  echo "junit: overload withdrawal-under-load withdrawal-latency kiosk-withdrawal stress-inference kiosk-state"
  exit 0
fi

if CLASS=$(main_class "$NAME"); then
  JVM=()
  ARGS=()
  for a in "$@"; do
    case "$a" in
      -D*) JVM+=("$a") ;;
      *) ARGS+=("$a") ;;
    esac
  done
  CP_FILE=$(mktemp)
  trap 'rm -f "$CP_FILE"' EXIT
  # dependency:build-classpath runs in every module of the reactor; the bench module comes last, so
  # the file ends up holding its test class path (reactor modules as their target/ folders)
  $MVN -pl "$BENCH" -am test-compile dependency:build-classpath \
    -Dmdep.outputFile="$CP_FILE" -Dmdep.includeScope=test
  CP="$ROOT/$BENCH/target/test-classes:$(cat "$CP_FILE")"
  export AFFECTGATE_REPO_ROOT="$ROOT"
  exec java -cp "$CP" -Daffectgate.repoRoot="$ROOT" \
    -Dlogback.configurationFile="$ROOT/$BENCH/src/test/resources/logback-bench.xml" ${JVM[@]+"${JVM[@]}"} "$CLASS" ${ARGS[@]+"${ARGS[@]}"}
elif SPEC=$(junit_test "$NAME"); then
  read -r TEST SWITCH <<<"$SPEC"
  for a in "$@"; do
    case "$a" in
      -D*) ;;
      *) echo "bench.sh $NAME takes only -Dname=value options (got $a)" >&2; exit 2 ;;
    esac
  done
  OUT="$BENCH/target/surefire-reports/$TEST-output.txt"
  rm -f "$OUT"
  status=0
  $MVN -pl "$BENCH" -am test -Dtest="${TEST##*.}" -Dsurefire.failIfNoSpecifiedTests=false \
    -D"$SWITCH"=true "$@" || status=$?
  if [ -f "$OUT" ]; then cat "$OUT"; else echo "no output at $OUT" >&2; fi
  exit "$status"
else
  echo "unknown benchmark: $NAME (deploy/dev/bench.sh list)" >&2
  exit 2
fi
