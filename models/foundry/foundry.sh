#!/usr/bin/env bash
# Runs the model foundry CLI (build, verify, eval, bench, calibrate, ...) from the repository root
# against THIS checkout's modules: the reactor compiles models, features (edge-agent/features) and
# their dependencies and the CLI runs on their target/classes, never on SNAPSHOT jars that may sit
# in ~/.m2.
# Usage: models/foundry/foundry.sh eval hrv-stress --data ../shared/datasets/stress-predict
#        models/foundry/foundry.sh --main org.affectgate.models.eval.FacesEval [args]  (another main)
# Extra Maven flags (e.g. -o for offline) go in MVN_FLAGS.
# test-compile, not compile: resolving the classpath needs the test-jars that edge-agent's tests
# depend on (device-drivers, cloud-sync); Maven 3 resolves them from the reactor only once test
# classes exist, so with plain compile the command fails unless SNAPSHOT test-jars sit in ~/.m2.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
cp_file=models/foundry/target/runtime.classpath
# shellcheck disable=SC2086
mvn -B -q ${MVN_FLAGS:-} -pl models/foundry -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/runtime.classpath -Dmdep.includeScope=runtime >&2
main=org.affectgate.models.cli.ModelsCli
if [[ "${1:-}" == --main ]]; then
  main="${2:?--main needs a class name}"
  shift 2
fi
exec java -cp "models/foundry/target/classes:$(cat "$cp_file")" "$main" "$@"
