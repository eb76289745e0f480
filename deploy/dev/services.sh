#!/usr/bin/env bash
# Real peers for development and tests: Mosquitto (MQTT 3.1.1 broker) and VictoriaMetrics
# (an InfluxDB v2 /api/v2/write endpoint), both from Debian packages, on loopback only; and Praat,
# run headless by the voice feature validation test (PraatAgreementTest); and libjpeg-turbo's Java
# binding (libturbojpeg-java, with libturbojpeg0-dev for the JNI library name), the camera path's
# JPEG decoder (FrameDecoderTest requires it); and Prometheus (MetricsPrometheusTest scrapes the
# agent's /metrics) with Chromium and its driver (OperatorPageBrowserTest, HeadlessChromium).
#
#   deploy/dev/services.sh install          apt-get install the packages when missing
#   deploy/dev/services.sh start|stop|status
#
# Tests start their own instances on free ports (see MosquittoServer and VictoriaMetricsServer in
# the test-jars); `start` is for running the agent by hand against real servers:
#   MQTT  tcp://127.0.0.1:${AFFECTGATE_DEV_MQTT_PORT:-18830}
#   VM    http://127.0.0.1:${AFFECTGATE_DEV_VM_PORT:-18428}   (InfluxDB write: /api/v2/write)
set -euo pipefail

MQTT_PORT=${AFFECTGATE_DEV_MQTT_PORT:-18830}
VM_PORT=${AFFECTGATE_DEV_VM_PORT:-18428}
RUN_DIR=${AFFECTGATE_DEV_DIR:-${TMPDIR:-/tmp}/affectgate-dev-services}

need_pkg() { ! dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

install() {
  local missing=()
  # lintian and systemd (systemd-analyze): checks of the Debian package (DebPackageTest); adduser
  # and init-system-helpers: its maintainer scripts, for the dpkg round trip; openssl: the site
  # certificates (deploy/mosquitto/make-certs.sh, the TLS tests); prometheus: the /metrics scrape test;
  # chromium and chromium-driver: the browser tests (operator and kiosk pages).
  for p in mosquitto mosquitto-clients victoria-metrics praat libturbojpeg-java libturbojpeg0-dev \
    lintian systemd adduser init-system-helpers openssl \
    prometheus chromium chromium-driver; do
    if need_pkg "$p"; then missing+=("$p"); fi
  done
  if [ ${#missing[@]} -eq 0 ]; then
    echo "services: every package the tests need is already installed"
    return
  fi
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  echo "services: installing ${missing[*]} with apt-get"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # The Debian packages enable system-wide services; the project only uses its own loopback instances.
  if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    $sudo systemctl disable --now mosquitto victoria-metrics prometheus >/dev/null 2>&1 || true
  fi
}

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

wait_port() {
  for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "services: port $1 did not open" >&2
  return 1
}

start() {
  install
  mkdir -p "$RUN_DIR/mosquitto" "$RUN_DIR/vm"
  if ! pid_alive "$RUN_DIR/mosquitto.pid"; then
    cat > "$RUN_DIR/mosquitto.conf" <<CONF
listener $MQTT_PORT 127.0.0.1
allow_anonymous true
persistence true
persistence_location $RUN_DIR/mosquitto/
CONF
    /usr/sbin/mosquitto -c "$RUN_DIR/mosquitto.conf" >"$RUN_DIR/mosquitto.log" 2>&1 &
    echo $! > "$RUN_DIR/mosquitto.pid"
    wait_port "$MQTT_PORT"
  fi
  if ! pid_alive "$RUN_DIR/vm.pid"; then
    /usr/bin/victoria-metrics -httpListenAddr="127.0.0.1:$VM_PORT" -storageDataPath="$RUN_DIR/vm" \
      -retentionPeriod=100y -dedup.minScrapeInterval=1ms >"$RUN_DIR/vm.log" 2>&1 &
    echo $! > "$RUN_DIR/vm.pid"
    wait_port "$VM_PORT"
  fi
  status
}

stop() {
  for s in mosquitto vm; do
    if pid_alive "$RUN_DIR/$s.pid"; then kill "$(cat "$RUN_DIR/$s.pid")"; fi
    rm -f "$RUN_DIR/$s.pid"
  done
  echo "services: stopped"
}

status() {
  for s in mosquitto vm; do
    if pid_alive "$RUN_DIR/$s.pid"; then echo "$s: running (pid $(cat "$RUN_DIR/$s.pid"))"; else echo "$s: stopped"; fi
  done
  echo "mqtt: tcp://127.0.0.1:$MQTT_PORT   victoria-metrics: http://127.0.0.1:$VM_PORT  data: $RUN_DIR"
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 install|start|stop|status" >&2; exit 2 ;;
esac
