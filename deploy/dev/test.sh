#!/usr/bin/env bash
# Runs every test, the real-server ones included (Mosquitto and VictoriaMetrics from Debian,
# started by the tests themselves on loopback). Installs what is missing first.
set -euo pipefail
cd "$(dirname "$0")/../.."
deploy/dev/services.sh install
exec mvn -B -T 2 verify "$@"
