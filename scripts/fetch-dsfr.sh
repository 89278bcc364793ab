#!/usr/bin/env bash
# Fetches the State design system (@gouvfr/dsfr, MIT; fonts: Marianne and Spectral under their
# own licences, see its LICENSE) with `npm pack`, checks it against the integrity published on
# the npm registry for 1.15.3, and unpacks its dist/ into DEST/dsfr, which aides-serve serves at
# /dsfr/. Usage: scripts/fetch-dsfr.sh DEST
set -euo pipefail
dest=${1:?usage: fetch-dsfr.sh DEST}
package="@gouvfr/dsfr@1.15.3"
integrity="sha512-R9AALZc1LfZjtytWZMOaUIOHWTkllBZ/sZlsL8TpKZVgF3qUKXt/uNYh+L1D1Fh4p92ZqWxbtNcebsigBZe5pQ=="
tarball="gouvfr-dsfr-1.15.3.tgz"
mkdir -p "$dest"
if [ -f "$dest/dsfr/dsfr.min.css" ] && [ -f "$dest/dsfr/.verified" ]; then exit 0; fi
cd "$dest"
if [ ! -f "$tarball" ]; then
  echo "fetch-dsfr: npm pack $package"
  npm pack --silent "$package" >/dev/null
fi
actual="sha512-$(node -e 'process.stdout.write(require("crypto").createHash("sha512").update(require("fs").readFileSync(process.argv[1])).digest("base64"))' "$tarball")"
if [ "$actual" != "$integrity" ]; then
  echo "fetch-dsfr: $tarball: integrity mismatch: got $actual, expected $integrity" >&2
  rm -f "$tarball"
  exit 1
fi
rm -rf dsfr package
tar xzf "$tarball" package/dist package/LICENSE.md 2>/dev/null || tar xzf "$tarball" package/dist
mv package/dist dsfr
[ -f package/LICENSE.md ] && mv package/LICENSE.md dsfr/LICENSE.md
rm -rf package
touch dsfr/.verified
echo "fetch-dsfr: $package verified and unpacked into $dest/dsfr"
