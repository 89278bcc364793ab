#!/usr/bin/env bash
# `cpack -G DEB`, then the package checked with dpkg-deb (control fields, contents), extracted
# into a scratch root, and its tools and library used from there (relocated: the data is found
# relative to the programs). Usage: tests/package/check-deb.sh BUILD_DIR WORK_DIR VERSION
set -euo pipefail
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
build=$(realpath "$1")
version=$3
rm -rf "$2" && mkdir -p "$2" && work=$(realpath "$2")
. "$source_dir/tests/package/checks.sh"

(cd "$build" && cpack -G DEB -B "$work" >"$work/cpack.log" 2>&1) || { cat "$work/cpack.log"; fail "cpack -G DEB failed"; }
deb=$work/aides_${version}_$(dpkg --print-architecture).deb
[ -f "$deb" ] || fail "cpack made no $deb: $(ls "$work")"

field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = aides ] || fail "Package: $(field Package)"
[ "$(field Version)" = "$version" ] || fail "Version: $(field Version), expected $version"
[ "$(field Section)" = utils ] || fail "Section: $(field Section)"
[ -n "$(field Maintainer)" ] || fail "no Maintainer"
[ -n "$(field Description)" ] || fail "no Description"
# dpkg-shlibdeps found the libraries the tools link to.
depends=$(field Depends)
for library in libxapian30 libicu libboost-program-options libstdc++6 libc6 zlib1g; do
  grep -q "$library" <<<"$depends" || fail "Depends lacks $library: $depends"
done

contents=$(dpkg-deb -c "$deb" | awk '{print $NF}')
for path in ./usr/bin/aides-index ./usr/bin/aides-search ./usr/bin/aides-geo-convert \
            ./usr/include/aides/aides.hpp ./usr/include/aides/version.hpp \
            /libaides.a /cmake/aides/aidesConfig.cmake /cmake/aides/FindXapian.cmake \
            ./usr/share/aides/taxonomy.json ./usr/share/aides/synonyms.txt ./usr/share/aides/geography.tsv \
            ./usr/share/aides/aides.jsonl ./usr/share/aides/adhoc/pvd-extrait.txt ./usr/share/aides/portals/; do
  grep -qF -- "$path" <<<"$contents" || fail "$deb does not hold $path"
done
! grep -q '^\./usr/local' <<<"$contents" || fail "$deb installs under /usr/local"

root=$work/root
dpkg-deb -x "$deb" "$root"
check_tools "$root/usr"
check_consumer "$root/usr" consumer
echo "check-deb: $(basename "$deb") ($(du -k "$deb" | cut -f1) KiB) OK"
