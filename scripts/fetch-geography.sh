#!/usr/bin/env bash
# Fetches the national geography (@etalab/decoupage-administratif, COG 2026, Licence Ouverte 2.0)
# with `npm pack`, checks it against the integrity published on the npm registry for 6.0.0,
# and unpacks its data/ into DEST/npm. Release 2.0.0 of the same package (COG 2022, the names
# the Petites villes de demain list was drawn up with) is unpacked into DEST/npm-2022: its names
# and codes that are no longer today's become the former names of today's communes.
# Usage: scripts/fetch-geography.sh DEST
set -euo pipefail
dest=${1:?usage: fetch-geography.sh DEST}
mkdir -p "$dest"
cd "$dest"

# fetch VERSION INTEGRITY DIR: the package's data/ into DIR, verified.
fetch() {
  local version=$1 integrity=$2 dir=$3
  local package="@etalab/decoupage-administratif@$version"
  local tarball="etalab-decoupage-administratif-$version.tgz"
  if [ -f "$dir/communes.json" ] && [ -f "$dir/.verified" ]; then return 0; fi
  if [ ! -f "$tarball" ]; then
    echo "fetch-geography: npm pack $package"
    npm pack --silent "$package" >/dev/null
  fi
  # node comes with npm, so the check needs nothing more.
  local actual
  actual="sha512-$(node -e 'process.stdout.write(require("crypto").createHash("sha512").update(require("fs").readFileSync(process.argv[1])).digest("base64"))' "$tarball")"
  if [ "$actual" != "$integrity" ]; then
    echo "fetch-geography: $tarball: integrity mismatch: got $actual, expected $integrity" >&2
    rm -f "$tarball"
    exit 1
  fi
  rm -rf "$dir" package
  tar xzf "$tarball" package/data
  tar xzf "$tarball" package/LICENSE 2>/dev/null || true
  mv package/data "$dir"
  if [ -f package/LICENSE ]; then mv package/LICENSE "$dir/LICENSE"; fi
  rm -rf package
  touch "$dir/.verified"
  echo "fetch-geography: $package verified and unpacked into $dest/$dir"
}

fetch 6.0.0 "sha512-XavYsFlbcM/prKr8hNHPKER94IHw/dsxNM4nxjWMYk6PLFACpEedvn/7wK8Baozm0dCYhWWcf+7bcWpA5pmCaQ==" npm
fetch 2.0.0 "sha512-X+pQDnm0Sk8T5KPhT5kU9cLyMKc+LagK8ObYxyzVDoQapjLNZl9/KY2VFr42aw4LEiTnUfqCgNZc9lhHfi6shQ==" npm-2022
