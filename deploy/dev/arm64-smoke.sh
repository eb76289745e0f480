#!/usr/bin/env bash
# arm64 smoke test: runs the very jar the affectgate Debian package ships on Debian's arm64 Java
# runtime under qemu-user emulation, so the aarch64 native code inside it is really loaded:
#   check-config   the package's configuration keys, with a temporary data dir and a free port
#   selftest       every model loaded and run once (ONNX Runtime's linux-aarch64 library), a
#                  SQLite outbox and consent ledger written and read (sqlite-jdbc's Linux/aarch64
#                  library), a JPEG decoded, one second of audio analysed
# Emulation timings are NOT Raspberry Pi timings (qemu translates every instruction; a Pi 4/5
# runs this far faster); they only show that it runs and what dominates.
#
#   sudo deploy/dev/arm64-smoke.sh [edge-agent/target/affectgate_*_all.deb]
#
# Installs, once (root, apt): the arm64 architecture (dpkg --add-architecture arm64),
# openjdk-17-jre-headless:arm64, libturbojpeg0-dev:arm64 (the camera path's JPEG decoder) and
# qemu-user-static. The machine's default java stays the native one (checked below). qemu is
# called directly (no binfmt_misc registration needed, which containers often lack).
# Takes 5 to 11 minutes on a shared 2-core x86-64 machine (every step runs tens of times slower
# than natively), so it is a documented release check, not part of CI.
set -euo pipefail
cd "$(dirname "$0")/../.."
deb=${1:-$(ls edge-agent/target/affectgate_*_all.deb 2>/dev/null | head -1)}
[ -f "$deb" ] || { echo "arm64-smoke: no package; build it with: mvn -B -pl edge-agent -am package -DskipTests" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "arm64-smoke: run as root (it installs arm64 packages)" >&2; exit 1; }
jvm=/usr/lib/jvm/java-17-openjdk-arm64
opts=${SMOKE_JAVA_OPTS:--Xmx256m}

need_pkg() { ! dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
native_java=$(readlink -f /usr/bin/java || true)

if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  echo "arm64-smoke: adding the arm64 architecture to dpkg"
  dpkg --add-architecture arm64
fi
missing=()
for p in openjdk-17-jre-headless:arm64 libturbojpeg0-dev:arm64 qemu-user-static; do
  if need_pkg "$p"; then missing+=("$p"); fi
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "arm64-smoke: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
    --no-install-recommends "${missing[@]}" >/dev/null
fi
# Both runtimes register the same alternatives with the same priority: keep the native one.
for alt in $(update-alternatives --get-selections | awk '$3 ~ /java-17-openjdk-arm64/ {print $1}'); do
  native=$(update-alternatives --list "$alt" | grep -v java-17-openjdk-arm64 | head -1 || true)
  if [ -n "$native" ]; then update-alternatives --set "$alt" "$native" >/dev/null; fi
done
[ "$(readlink -f /usr/bin/java)" = "$native_java" ] || echo "arm64-smoke: note: /usr/bin/java was $native_java, now $(readlink -f /usr/bin/java)"

work=$(mktemp -d /tmp/affectgate-arm64-smoke.XXXXXX)
trap 'rm -rf "$work"' EXIT
# The package's own files: jar, models and default configuration.
dpkg-deb -x "$deb" "$work/root"
jar=$work/root/usr/share/affectgate/affectgate.jar
manifest=$work/root/usr/share/affectgate/models/manifest.json
port=8787
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((20000 + RANDOM % 40000)); done
sed -e "s|^dataDir: [^ ]*|dataDir: $work/data|" -e "s/^  port: 8787\b/  port: $port/" \
  -e "s|^  manifest: /usr/share/affectgate/models/manifest.json|  manifest: $manifest|" \
  "$work/root/etc/affectgate/agent.yaml" > "$work/agent.yaml"
grep -q "$manifest" "$work/agent.yaml" || { echo "arm64-smoke: could not point models.manifest at $manifest" >&2; exit 1; }
mkdir -p "$work/data"

arm64_java() { qemu-aarch64-static -L / "$jvm/bin/java" $opts "$@"; }
elapsed() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

echo "arm64-smoke: $(basename "$deb"), jar $(du -h "$jar" | cut -f1), $(qemu-aarch64-static --version | head -1)"
echo "arm64-smoke: JVM $jvm/bin/java: $(file -bL "$jvm/bin/java" | cut -d, -f1-2)"
t=$(date +%s%N); arm64_java -version 2>&1 | tail -1
echo "arm64-smoke: JVM start (java -version) $(elapsed "$t") ms"

echo; echo "== check-config (package defaults, temporary dataDir, port $port)"
t=$(date +%s%N)
arm64_java -jar "$jar" check-config "$work/agent.yaml" | head -4
echo "arm64-smoke: check-config ok in $(elapsed "$t") ms"

echo; echo "== selftest"
t=$(date +%s%N)
arm64_java -jar "$jar" selftest --models "$manifest"
echo "arm64-smoke: selftest ok in $(elapsed "$t") ms"
echo; echo "arm64-smoke: OK (emulated aarch64; these are not Raspberry Pi timings)"
