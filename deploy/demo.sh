#!/usr/bin/env bash
# Builds the agent and the demo (tests skipped) and runs `affectgate demo` from the demo's own jar
# (edge-agent/demo/target/affectgate-demo.jar; the production jar has no broker): embedded MQTT
# broker on loopback, simulated wearables replaying real RR intervals, consent grants, the full
# pipeline, and sync to ./data/export/*.lp (or to --influx-url URL). With a model manifest
# (--models), also the response loop: a scripted visitor at kiosk-2 (EmoDB clips), state lines, a
# `rising` warning, an episode, the staff escalation and its acknowledgement, and the kiosk page
# URL. Extra arguments go to `affectgate demo`. Ctrl-C stops.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -DskipTests install
exec java -Xmx64m -jar edge-agent/demo/target/affectgate-demo.jar demo "$@"
