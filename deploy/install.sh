#!/usr/bin/env bash
# Installs the agent from its Debian package on a Raspberry Pi OS / Debian machine (64-bit). The
# package (deploy/debian/, built by `mvn package` as edge-agent/target/affectgate_<version>_all.deb)
# does the work: Java 17, Mosquitto and libjpeg-turbo's Java binding through its dependencies, the
# jar and models under /usr/share/affectgate, /usr/bin/affectgate, /etc/affectgate/agent.yaml, the
# broker drop-in /etc/mosquitto/conf.d/affectgate.conf, the system user affectgate (group gpio),
# /var/lib/affectgate and the hardened systemd unit, enabled and started where systemd runs.
# This script only finds the package, lets apt resolve its dependencies (with the recommended
# mosquitto and libturbojpeg) and checks the configuration as the agent's user.
# Step by step and for a Pi: deploy/README-pi.md.
#   sudo deploy/install.sh [PACKAGE.deb]
set -euo pipefail
cd "$(dirname "$0")/.."
deb=${1:-$(ls edge-agent/target/affectgate_*_all.deb 2>/dev/null | head -1)}
[ -f "$deb" ] || { echo "install: no package; build it with: mvn -B -pl edge-agent -am package -DskipTests" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "install: run as root (sudo)" >&2; exit 1; }

apt-get update -qq
# A path (./ or /) makes apt install the file and resolve its Depends and Recommends from the archive.
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$(readlink -f "$deb")"
# As the service user, so file permissions are checked as the agent will meet them. While the
# service runs it holds the admin port that check-config would check; stop it first then.
if [ -d /run/systemd/system ] && systemctl is-active --quiet affectgate; then
  echo "install: affectgate is running (systemctl status affectgate); configuration check skipped"
else
  runuser -u affectgate -- affectgate check-config /etc/affectgate/agent.yaml
fi
echo "install: edit /etc/affectgate/agent.yaml (site, mqtt, sync), then: sudo systemctl restart affectgate"
