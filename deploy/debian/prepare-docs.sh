#!/bin/sh
# Build step of the affectgate Debian package (edge-agent's pom runs it before jdeb): writes the
# changelog and the man page with the package version into OUT_DIR, compressed as Debian wants
# them (gzip -9n: best compression, no name or timestamp, so builds are reproducible).
#   prepare-docs.sh MAVEN_VERSION OUT_DIR
set -eu
here=$(dirname "$0")
# The Debian version jdeb makes of a Maven version: 0.1.0-SNAPSHOT -> 0.1.0~SNAPSHOT (sorts before 0.1.0).
version=$(printf '%s' "$1" | sed 's/-SNAPSHOT$/~SNAPSHOT/')
out=$2
mkdir -p "$out"
sed "s/\${deb.version}/$version/g" "$here/changelog" | gzip -9n > "$out/changelog.gz"
sed "s/\${deb.version}/$version/g" "$here/affectgate.1" | gzip -9n > "$out/affectgate.1.gz"
