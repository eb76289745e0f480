#!/bin/sh
# Generates a site's test PKI for Mosquitto with mutual TLS (openssl from Debian, EC P-256 keys):
#   ca.crt ca.key                  the site CA (kept and reused when the directory already has one)
#   broker.crt broker.key          Mosquitto's server certificate (SAN: the -H names and addresses)
#   agent.crt agent.key            the Affectgate agent (CN affectgate-agent)
#   staff.crt staff.key            staff clients acknowledging escalations (CN affectgate-staff)
#   kiosk-ID.crt kiosk-ID.key      one per -k id (CN = kiosk id, as in .../kiosk/{kioskId}/...)
#   wearable-ID.crt wearable-ID.key one per -w id (CN = device id, as in .../wearable/{deviceId}/...)
# Mosquitto's "use_identity_as_username true" turns the CN into the user name that acl.conf's %u
# patterns match, so kiosk and wearable ids must be unique across both kinds (this script refuses
# a duplicate). Keys are PKCS#8 PEM, mode 600. For tests and small sites; a production CA key
# belongs offline.
#
# Usage: make-certs.sh -d DIR [-H host,ip,...] [-k kiosk,...] [-w wearable,...] [-D days]
#   -d DIR   output directory (created, mode 700)
#   -H       broker names and IP addresses (default: localhost,127.0.0.1)
#   -k, -w   kiosk ids and wearable device ids ([A-Za-z0-9_.-], no MQTT wildcards or '/')
#   -D       validity in days (default 825)
set -eu

dir="" hosts="localhost,127.0.0.1" kiosks="" wearables="" days=825
while getopts d:H:k:w:D: opt; do
  case "$opt" in
    d) dir=$OPTARG ;;
    H) hosts=$OPTARG ;;
    k) kiosks=$OPTARG ;;
    w) wearables=$OPTARG ;;
    D) days=$OPTARG ;;
    *) sed -n '2,19p' "$0" >&2; exit 2 ;;
  esac
done
if [ -z "$dir" ]; then sed -n '2,19p' "$0" >&2; exit 2; fi
command -v openssl >/dev/null || { echo "make-certs: openssl not found (apt-get install openssl)" >&2; exit 1; }

umask 077
mkdir -p "$dir"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

check_id() {
  case "$1" in
    ""|*[!A-Za-z0-9_.-]*) echo "make-certs: invalid id '$1' (allowed: A-Z a-z 0-9 _ . -)" >&2; exit 2 ;;
  esac
  if grep -qx "$1" "$tmp/ids" 2>/dev/null; then
    echo "make-certs: id '$1' used twice (kiosk and wearable ids share the %u namespace)" >&2; exit 2
  fi
  echo "$1" >> "$tmp/ids"
}

key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; chmod 600 "$1"; }

if [ ! -f "$dir/ca.crt" ] || [ ! -f "$dir/ca.key" ]; then
  key "$dir/ca.key"
  openssl req -x509 -new -key "$dir/ca.key" -sha256 -days "$days" -subj "/CN=Affectgate site CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -out "$dir/ca.crt"
fi

# issue NAME CN USAGE [SAN]
issue() {
  key "$dir/$1.key"
  openssl req -new -key "$dir/$1.key" -subj "/CN=$2" -out "$tmp/$1.csr"
  {
    echo "basicConstraints=critical,CA:FALSE"
    echo "keyUsage=critical,digitalSignature"
    echo "extendedKeyUsage=$3"
    if [ -n "${4:-}" ]; then echo "subjectAltName=$4"; fi
  } > "$tmp/$1.ext"
  openssl x509 -req -in "$tmp/$1.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -sha256 \
    -set_serial "0x$(openssl rand -hex 16)" -days "$days" -extfile "$tmp/$1.ext" \
    -out "$dir/$1.crt" 2>/dev/null
  chmod 644 "$dir/$1.crt"
}

san=""
for h in $(echo "$hosts" | tr ',' ' '); do
  case "$h" in
    *[!0-9.]*) case "$h" in *:*) entry="IP:$h" ;; *) entry="DNS:$h" ;; esac ;;
    *) entry="IP:$h" ;;
  esac
  san="${san:+$san,}$entry"
done
issue broker "$(echo "$hosts" | cut -d, -f1)" serverAuth "$san"
issue agent affectgate-agent clientAuth
issue staff affectgate-staff clientAuth
for k in $(echo "$kiosks" | tr ',' ' '); do check_id "$k"; issue "kiosk-$k" "$k" clientAuth; done
for w in $(echo "$wearables" | tr ',' ' '); do check_id "$w"; issue "wearable-$w" "$w" clientAuth; done
chmod 644 "$dir/ca.crt"
echo "make-certs: certificates in $dir (CA: $dir/ca.crt, valid $days days)"
