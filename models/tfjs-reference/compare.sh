#!/usr/bin/env bash
# Compares the Java conversion of fer2013_big_XCEPTION (ONNX Runtime) with the independent TF.js
# graph of the same network (vladmandic/human emotion model) run on TF.js's pure-JS CPU backend.
# Run from anywhere; needs node + npm (npm registry) and ../shared/upstream-models.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
(cd "$here" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
cd "$root"
exec models/foundry/foundry.sh verify-tfjs --node-script "$here/run.mjs" "$@"
