#!/usr/bin/env bash
# Installs the agent on a Raspberry Pi OS / Debian machine (64-bit): Java 17, Mosquitto and the
# libjpeg-turbo Java binding (the camera path's JPEG decoder) from
# Debian, the gateway's Mosquitto settings (/etc/mosquitto/conf.d/affectgate.conf), the agent jar
# under /opt/affectgate, an example config under /etc/affectgate, a system user, and the systemd
# unit. Build the jar first (deploy/demo.sh or `mvn -DskipTests install`).
#   sudo deploy/install.sh [--start]
set -euo pipefail
cd "$(dirname "$0")/.."
jar=edge-agent/target/affectgate.jar
[ -f "$jar" ] || { echo "install: $jar missing; build it with: mvn -B -DskipTests install" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "install: run as root (sudo)" >&2; exit 1; }

apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless mosquitto \
  libturbojpeg-java libturbojpeg0-dev >/dev/null
# Broker settings sized for a gateway (queue for the agent's session, packet size, autosave); an
# edited copy is kept and the shipped one written beside it (include_dir reads only *.conf).
broker_conf=/etc/mosquitto/conf.d/affectgate.conf
if [ ! -f "$broker_conf" ]; then
  install -o root -g root -m 0644 deploy/mosquitto/affectgate.conf "$broker_conf"
elif ! cmp -s deploy/mosquitto/affectgate.conf "$broker_conf"; then
  install -o root -g root -m 0644 deploy/mosquitto/affectgate.conf "$broker_conf.new"
  echo "install: kept your $broker_conf; the shipped version is $broker_conf.new"
fi
if [ -d /run/systemd/system ]; then
  systemctl restart mosquitto
  systemctl is-active --quiet mosquitto \
    || { echo "install: mosquitto does not start with $broker_conf (journalctl -u mosquitto)" >&2; exit 1; }
else
  echo "install: systemd is not running here; restart mosquitto by hand to apply $broker_conf"
fi
getent group gpio >/dev/null || groupadd --system gpio
id affectgate >/dev/null 2>&1 || useradd --system --home /var/lib/affectgate --shell /usr/sbin/nologin affectgate
install -d -o root -g root -m 0755 /opt/affectgate
# An upgrade stops the running agent first: check-config below checks that the admin port is free,
# as `run` does, and the old agent would hold it.
if [ -d /run/systemd/system ] && systemctl is-active --quiet affectgate 2>/dev/null; then
  systemctl stop affectgate
  restart_after=1
fi
install -o root -g root -m 0644 "$jar" /opt/affectgate/affectgate.jar
install -d -o affectgate -g affectgate -m 0750 /var/lib/affectgate
install -d -o root -g affectgate -m 0750 /etc/affectgate
if [ ! -f /etc/affectgate/agent.yaml ]; then
  install -o root -g affectgate -m 0640 deploy/agent.example.yaml /etc/affectgate/agent.yaml
  echo "install: wrote /etc/affectgate/agent.yaml — set site, mqtt and sync before starting"
fi
install -o root -g root -m 0644 deploy/systemd/affectgate.service /etc/systemd/system/affectgate.service
# As the service user, so file permissions are checked as the agent will meet them.
runuser -u affectgate -- java -jar /opt/affectgate/affectgate.jar check-config /etc/affectgate/agent.yaml
if [ ! -d /run/systemd/system ]; then
  echo "install: systemd is not running here; start by hand with:"
  echo "  sudo -u affectgate java -Xmx128m -jar /opt/affectgate/affectgate.jar run --config /etc/affectgate/agent.yaml"
  exit 0
fi
systemctl daemon-reload
if [ "${1:-}" = "--start" ] || [ -n "${restart_after:-}" ]; then
  systemctl enable --now affectgate
  systemctl --no-pager status affectgate | head -5
else
  echo "install: start with: sudo systemctl enable --now affectgate"
fi
