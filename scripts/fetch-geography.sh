#!/usr/bin/env bash
# Fetches the national geography (@etalab/decoupage-administratif, COG 2026, Licence Ouverte 2.0)
# with `npm pack`, checks it against the integrity published on the npm registry for 6.0.0,
# and unpacks its data/ into DEST/npm. Usage: scripts/fetch-geography.sh DEST
set -euo pipefail
dest=${1:?usage: fetch-geography.sh DEST}
package="@etalab/decoupage-administratif@6.0.0"
integrity="sha512-XavYsFlbcM/prKr8hNHPKER94IHw/dsxNM4nxjWMYk6PLFACpEedvn/7wK8Baozm0dCYhWWcf+7bcWpA5pmCaQ=="
tarball="etalab-decoupage-administratif-6.0.0.tgz"
mkdir -p "$dest"
if [ -f "$dest/npm/communes.json" ] && [ -f "$dest/npm/.verified" ]; then exit 0; fi
cd "$dest"
if [ ! -f "$tarball" ]; then
  echo "fetch-geography: npm pack $package"
  npm pack --silent "$package" >/dev/null
fi
# node comes with npm, so the check needs nothing more.
actual="sha512-$(node -e 'process.stdout.write(require("crypto").createHash("sha512").update(require("fs").readFileSync(process.argv[1])).digest("base64"))' "$tarball")"
if [ "$actual" != "$integrity" ]; then
  echo "fetch-geography: $tarball: integrity mismatch: got $actual, expected $integrity" >&2
  rm -f "$tarball"
  exit 1
fi
rm -rf npm package
tar xzf "$tarball" package/data package/LICENSE
mv package/data npm
mv package/LICENSE npm/LICENSE
rmdir package
touch npm/.verified
echo "fetch-geography: $package verified and unpacked into $dest/npm"
