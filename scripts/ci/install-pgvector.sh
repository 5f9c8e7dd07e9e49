#!/usr/bin/env bash
# Makes `CREATE EXTENSION vector` work on Debian bookworm's PostgreSQL 15.
# pgvector is not packaged for bookworm, so it is built from Debian trixie's source package, fetched through a
# private apt directory so the machine's own apt configuration is never changed. Idempotent.
set -euo pipefail

PG_MAJOR=15
CONTROL="/usr/share/postgresql/${PG_MAJOR}/extension/vector.control"
PG_CONFIG="/usr/lib/postgresql/${PG_MAJOR}/bin/pg_config"
SRC_SUITE=trixie
DEFAULT_MIRROR=http://deb.debian.org/debian

if [[ -f "$CONTROL" ]]; then
  echo "pgvector: already installed ($CONTROL)"
  exit 0
fi

SUDO=()
if [[ "$(id -u)" != 0 ]]; then SUDO=(sudo); fi
export DEBIAN_FRONTEND=noninteractive

start=$(date +%s)

# Build dependencies. Only missing ones are named, so apt does not upgrade packages already present. The system
# lists may be stale or absent on a fresh image: refresh them only if the install fails.
missing=()
for pkg in postgresql-server-dev-${PG_MAJOR} build-essential dpkg-dev ca-certificates; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then missing+=("$pkg"); fi
done
if (( ${#missing[@]} > 0 )); then
  echo "pgvector: installing ${missing[*]}"
  if ! "${SUDO[@]}" apt-get install -y --no-install-recommends "${missing[@]}" </dev/null; then
    "${SUDO[@]}" apt-get update </dev/null
    "${SUDO[@]}" apt-get install -y --no-install-recommends "${missing[@]}" </dev/null
  fi
fi

# The machine's own Debian mirror: the URI serving its release suite (not -security / -updates).
find_mirror() {
  local codename f uri
  # shellcheck source=/dev/null
  codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -f "$f" ]] || continue
    # deb822: stanzas are separated by blank lines; keep the first URI of a stanza whose Suites list the codename.
    uri=$(awk -v want="$codename" '
      BEGIN { RS = ""; FS = "\n" }
      {
        uris = ""; hit = 0; types = ""
        for (i = 1; i <= NF; i++) {
          line = $i
          if (line ~ /^[ \t]*#/) continue
          if (line ~ /^URIs:/)   { sub(/^URIs:[ \t]*/, "", line); split(line, u, /[ \t]+/); uris = u[1] }
          if (line ~ /^Types:/)  { types = line }
          if (line ~ /^Suites:/) {
            sub(/^Suites:[ \t]*/, "", line); n = split(line, s, /[ \t]+/)
            for (j = 1; j <= n; j++) if (s[j] == want) hit = 1
          }
        }
        if (hit && uris != "" && types ~ /deb/) { print uris; exit }
      }' "$f")
    if [[ -n "$uri" ]]; then echo "$uri"; return; fi
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -f "$f" ]] || continue
    # One-line format: deb [options] URI suite components...
    uri=$(sed -E 's/\[[^]]*\]//' "$f" | awk -v want="$codename" '$1 ~ /^deb(-src)?$/ && $3 == want { print $2; exit }')
    if [[ -n "$uri" ]]; then echo "$uri"; return; fi
  done
  echo "$DEFAULT_MIRROR"
}

mirror=$(find_mirror)
mirror=${mirror%/}
echo "pgvector: fetching source from $mirror ($SRC_SUITE main) via a private apt directory"

work=$(mktemp -d /tmp/reflex-pgvector.XXXXXX)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
mkdir -p "$work/apt/sources.list.d" "$work/apt/lists/partial"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
echo "deb-src [signed-by=${keyring}] ${mirror} ${SRC_SUITE} main" >"$work/apt/sources.list"

apt_private=(
  -o "Dir::Etc::sourcelist=$work/apt/sources.list"
  -o "Dir::Etc::sourceparts=$work/apt/sources.list.d"
  -o "Dir::State::Lists=$work/apt/lists"
  -o "APT::Get::List-Cleanup=0"
)
apt-get "${apt_private[@]}" update </dev/null
(cd "$work" && apt-get "${apt_private[@]}" source pgvector </dev/null)

srcdir=$(find "$work" -mindepth 1 -maxdepth 1 -type d -name 'pgvector-*' | head -n 1)
if [[ -z "$srcdir" ]]; then
  echo "pgvector: apt-get source produced no pgvector-* directory in $work" >&2
  exit 1
fi

# OPTFLAGS="" drops -march=native so the library also loads on other CPUs of the same architecture.
make -C "$srcdir" PG_CONFIG="$PG_CONFIG" OPTFLAGS=""
"${SUDO[@]}" make -C "$srcdir" PG_CONFIG="$PG_CONFIG" OPTFLAGS="" install

if [[ ! -f "$CONTROL" ]]; then
  echo "pgvector: build finished but $CONTROL is missing" >&2
  exit 1
fi
echo "pgvector: installed $(basename "$srcdir") in $(( $(date +%s) - start ))s"
