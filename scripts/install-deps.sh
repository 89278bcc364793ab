#!/usr/bin/env bash
# Installs the Debian 12 packages the build and the tests need, only those missing.
set -euo pipefail
packages=(cmake g++ make pkg-config libxapian-dev libicu-dev nlohmann-json3-dev
          libboost-program-options-dev zlib1g-dev libgtest-dev pybind11-dev python3-dev python3-pytest
          clang libclang-rt-14-dev  # clang: the libFuzzer targets that `make test` runs briefly
          libcpp-httplib-dev        # aides-serve's HTTP server (docs/DESIGN.md)
          chromium                  # the search page's browser tests (tests/web/)
          xapian-tools              # xapian-replicate(-server): replicas (deploy/, tests/replication)
          dpkg-dev file)            # cpack -G DEB: dpkg-shlibdeps reads the tools' dependencies
packages+=("$@")
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# npm may come from NodeSource (which conflicts with Debian's npm package): only the command matters.
command -v npm >/dev/null 2>&1 || missing+=(npm)
[ ${#missing[@]} -eq 0 ] && exit 0
echo "install-deps: installing ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
