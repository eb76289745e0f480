#!/usr/bin/env bash
# Install, upgrade and purge round trip of the affectgate Debian package with dpkg on THIS machine
# (root; it installs the package, creates the affectgate user and leaves the package purged):
#   1. install: user affectgate in group gpio, /var/lib/affectgate and /etc/affectgate owned and
#      moded as postinst sets them, the unit passes `systemd-analyze verify`
#   2. the operator edits the conffile /etc/affectgate/agent.yaml (admin port moved to a free one),
#      then `affectgate check-config` as user affectgate succeeds
#   3. upgrade: the same .deb installed again keeps the edited conffile (no prompt, no .dpkg-*
#      file) and the state in /var/lib/affectgate (a consent grant recorded as affectgate);
#      check-config and consent verify as affectgate succeed again
#   4. remove keeps configuration and state; purge deletes both (the user stays, as Debian does)
# Run by edge-agent's DebPackageTest after `mvn package` (tag "deb"); by hand:
#   sudo deploy/dev/deb-roundtrip.sh [edge-agent/target/affectgate_*_all.deb]
# Needs the package's dependencies installed (Java 17 runtime, adduser, init-system-helpers) and
# systemd-analyze (package systemd); deploy/dev/services.sh install brings them.
set -euo pipefail
cd "$(dirname "$0")/../.."
deb=${1:-$(ls edge-agent/target/affectgate_*_all.deb 2>/dev/null | head -1)}
[ -f "$deb" ] || { echo "deb-roundtrip: no package; build it with: mvn -B -pl edge-agent -am package -DskipTests" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "deb-roundtrip: run as root (it installs the package)" >&2; exit 1; }
deb=$(readlink -f "$deb")
conf=/etc/affectgate/agent.yaml
state=/var/lib/affectgate

# One round trip at a time on this machine (several worktrees may run the test).
exec 9>/run/lock/affectgate-deb-roundtrip.lock
flock -w 600 9 || { echo "deb-roundtrip: another round trip holds the lock for 10 min" >&2; exit 1; }

t0=$(date +%s)
step() { printf '\n== [%3d s] %s\n' $(($(date +%s) - t0)) "$*"; }
fail() { echo "deb-roundtrip: FAILED: $*" >&2; exit 1; }
installed() { dpkg-query -W -f='${Status}' affectgate 2>/dev/null | grep -q 'install ok installed'; }
dpkg_q() { DEBIAN_FRONTEND=noninteractive dpkg "$@" </dev/null; }
purge_left() { if dpkg-query -W affectgate >/dev/null 2>&1; then dpkg_q --purge affectgate >/dev/null || true; fi; }
trap purge_left EXIT
expect_stat() { # path owner:group mode
  local got; got=$(stat -c '%U:%G %a' "$1")
  [ "$got" = "$2 $3" ] || fail "$1 is $got, expected $2 $3"
  echo "ok: $1 $got"
}
free_port() {
  local p
  for _ in $(seq 1 50); do
    p=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
  fail "no free port found"
}
check_config() {
  runuser -u affectgate -- affectgate check-config "$conf" | sed -n '1,3p' \
    || fail "check-config as affectgate"
}

if dpkg-query -W affectgate >/dev/null 2>&1; then
  echo "deb-roundtrip: affectgate is on this machine from an earlier run; purging it first"
  dpkg_q --purge affectgate
fi

step "1. install $(basename "$deb") ($(du -h "$deb" | cut -f1))"
dpkg_q -i "$deb"
installed || fail "not installed"
id affectgate
id -nG affectgate | tr ' ' '\n' | grep -qx gpio || fail "affectgate is not in group gpio"
expect_stat "$state" affectgate:affectgate 750
expect_stat /etc/affectgate root:affectgate 750
expect_stat "$conf" root:affectgate 640
expect_stat /usr/bin/affectgate root:root 755
[ -f /etc/mosquitto/conf.d/affectgate.conf ] || fail "mosquitto drop-in missing"
wants=/etc/systemd/system/multi-user.target.wants/affectgate.service
[ -L "$wants" ] || fail "the service is not enabled ($wants missing)"
echo "ok: affectgate.service enabled ($wants)"
dpkg-query -W -f='conffiles:\n${Conffiles}\n' affectgate
systemd-analyze verify /lib/systemd/system/affectgate.service || fail "systemd-analyze verify"
echo "ok: systemd-analyze verify affectgate.service"
# The exposure score of the unit's sandbox (offline: no running systemd needed); informational.
systemd-analyze security --offline=true /lib/systemd/system/affectgate.service 2>/dev/null | tail -1 || true

step "2. edit the conffile (http.port) and check-config as affectgate"
port=$(free_port)
sed -i "s/^  port: 8787\b/  port: $port/" "$conf"
grep -qw "^  port: $port" "$conf" || fail "could not edit http.port in $conf"
echo "# edited by deb-roundtrip" >> "$conf"
check_config
# State the agent writes: a consent grant in the ledger (/var/lib/affectgate/consent.db).
runuser -u affectgate -- affectgate consent grant --config "$conf" --participant roundtrip-p1 \
  --device roundtrip-d1 --programme roundtrip
ledger_before=$(sha256sum "$state/consent.db" | cut -d' ' -f1)

step "3. upgrade: the same package again keeps the edited conffile and the state"
dpkg_q -i "$deb"
grep -q "^# edited by deb-roundtrip" "$conf" || fail "the edited conffile was replaced"
grep -qw "^  port: $port" "$conf" || fail "the edited http.port was lost"
left=$(ls /etc/affectgate/ | grep -E '\.dpkg-(new|dist|old)$' || true)
[ -z "$left" ] || fail "dpkg left $left"
echo "ok: $conf kept as edited, no .dpkg-* file"
expect_stat "$conf" root:affectgate 640
[ "$(sha256sum "$state/consent.db" | cut -d' ' -f1)" = "$ledger_before" ] \
  || fail "the consent ledger changed on upgrade"
echo "ok: $state kept ($(ls "$state" | tr '\n' ' '))"
check_config
runuser -u affectgate -- affectgate consent verify --config "$conf" || fail "consent verify after upgrade"

step "4. remove keeps configuration and state; purge deletes them"
dpkg_q -r affectgate
[ -f "$conf" ] && [ -f "$state/consent.db" ] || fail "remove deleted configuration or state"
[ ! -e /usr/bin/affectgate ] || fail "remove left /usr/bin/affectgate"
echo "ok: removed; $conf and $state kept"
dpkg_q --purge affectgate
[ ! -e "$state" ] || fail "purge left $state"
[ ! -e /etc/affectgate ] || fail "purge left /etc/affectgate"
[ ! -e /etc/mosquitto/conf.d/affectgate.conf ] || fail "purge left the mosquitto drop-in"
if dpkg-statoverride --list | grep -q affectgate; then fail "purge left a statoverride"; fi
[ ! -L "$wants" ] && [ ! -L /etc/systemd/system/affectgate.service ] \
  || fail "purge left the enable or mask link of affectgate.service"
dpkg-query -W affectgate >/dev/null 2>&1 && fail "dpkg still knows affectgate"
echo "ok: purged; user affectgate kept: $(id affectgate)"

printf '\ndeb-roundtrip: OK in %d s\n' $(($(date +%s) - t0))
