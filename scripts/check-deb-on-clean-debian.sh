#!/usr/bin/env bash
# On demand (not in `make test`: it downloads Debian): installs the .deb made by `cpack -G DEB`
# into a fresh Debian 12 (debootstrap, minbase) with apt, which must resolve its dependencies
# from Debian alone, then indexes the installed sample and searches it there.
# Needs root and the network. Usage: scripts/check-deb-on-clean-debian.sh DEB [ROOT_DIR]
# ROOT_DIR (default: a new temporary folder) is removed at the end unless KEEP_ROOT=1.
set -euo pipefail
deb=$(realpath "${1:?usage: check-deb-on-clean-debian.sh DEB [ROOT_DIR]}")
root=${2:-$(mktemp -d /var/tmp/aides-bookworm.XXXXXX)}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
[ "$(id -u)" -eq 0 ] || { echo "check-deb-on-clean-debian: needs root (debootstrap, chroot)" >&2; exit 2; }
command -v debootstrap >/dev/null || { apt-get update -qq && apt-get install -y -qq --no-install-recommends debootstrap; }

cleanup() {
  mountpoint -q "$root/proc" && umount "$root/proc"
  [ "${KEEP_ROOT:-0}" = 1 ] || rm -rf "$root"
}
trap cleanup EXIT

echo "check-deb: debootstrap bookworm into $root"
debootstrap --variant=minbase bookworm "$root" "$mirror" >"$root.debootstrap.log" 2>&1 \
  || { tail -20 "$root.debootstrap.log"; exit 1; }
rm -f "$root.debootstrap.log"
mount -t proc proc "$root/proc"  # the tools find their data from /proc/self/exe
cp "$deb" "$root/tmp/"
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"; }

in_root apt-get update -qq
in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "/tmp/$(basename "$deb")"
in_root dpkg-query -W -f='installed: ${Package} ${Version}\n' aides
in_root aides-index --db /tmp/idx --input /usr/share/aides/aides.jsonl --adhoc pvd=/usr/share/aides/adhoc/pvd-extrait.txt
in_root aides-search --db /tmp/idx --commune 29103 renovation energetique --size 5 --format table
count=$(in_root aides-search --db /tmp/idx --commune 29103 --format json | grep -o '"count": *[0-9]*' | head -1 | grep -o '[0-9]*$')
[ "${count:-0}" -gt 0 ] || { echo "check-deb: the search in the clean Debian found nothing" >&2; exit 1; }
echo "check-deb: $(basename "$deb") installed with apt on a clean Debian 12 and found $count aids for Landerneau"
