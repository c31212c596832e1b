#!/usr/bin/env bash
# Rebuilds host/data/words-en.txt.gz: the English word list the quality gate's
# "stops inside a word" detector reads. Source: Debian's wamerican (SCOWL,
# Kevin Atkinson; licence in host/data/words-en.LICENSE), version pinned below.
# Kept: words of ASCII letters only (no possessives, no accented forms), one a
# line, in the list's own order; gzip -n so the bytes do not depend on the time.
set -euo pipefail
VERSION=2020.12.07-2
here=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
apt-get download "wamerican=$VERSION" >/dev/null
dpkg-deb -x wamerican_"$VERSION"_all.deb x
LC_ALL=C grep -E '^[A-Za-z]+$' x/usr/share/dict/american-english | gzip -n -9 > "$here/host/data/words-en.txt.gz"
cp x/usr/share/doc/wamerican/copyright "$here/host/data/words-en.LICENSE"
echo "host/data/words-en.txt.gz: $(zcat "$here/host/data/words-en.txt.gz" | wc -l) words"
