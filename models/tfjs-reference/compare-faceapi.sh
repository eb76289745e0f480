#!/usr/bin/env bash
# Compares the foundry's ONNX conversion of the face-api.js expression net (ONNX Runtime) with the
# same network run by TF.js ops on TF.js's pure-JS CPU backend (faceapi.mjs).
# Run from anywhere; needs node + npm (npm registry) and ../shared/upstream-models.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
(cd "$here" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
cd "$root"
exec models/foundry/foundry.sh verify-faceapi --node-script "$here/faceapi.mjs" "$@"
