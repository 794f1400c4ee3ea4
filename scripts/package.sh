#!/usr/bin/env bash
# Builds the Debian package atol-kkt_VERSION_amd64.deb (docs/packaging.md) from a Release build
# in its own build directory, and prints its path.
#   scripts/package.sh
# Environment: PACKAGE_BUILD_DIR (default: build-deb); PACKAGE_VERSION (default: the project's,
# CMakeLists.txt): only the package's version, for the upgrade test's older package.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${PACKAGE_BUILD_DIR:-build-deb}
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr \
    -DATOL_KKT_BUILD_TESTS=OFF -DATOL_KKT_DEBIAN_PACKAGE=ON >/dev/null
cmake --build "$build_dir" --target atol-kkt >&2
version_args=()
[[ -n ${PACKAGE_VERSION:-} ]] && version_args=(-D "CPACK_PACKAGE_VERSION=$PACKAGE_VERSION")
(cd "$build_dir" && cpack -G DEB "${version_args[@]}" >cpack.log) ||
    { cat "$build_dir/cpack.log" >&2; exit 1; }
sed -n 's/^CPack: - package: \(.*\) generated\.$/\1/p' "$build_dir/cpack.log"
