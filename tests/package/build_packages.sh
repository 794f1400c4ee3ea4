#!/usr/bin/env bash
# The packages of the package tests (tests/CMakeLists.txt, fixture deb): this version's and
# one with a lower version (same build, only the package's version lowered) for the upgrade.
#   build_packages.sh SOURCE_DIR BUILD_DIR OLDER_VERSION
set -euo pipefail
source_dir=$1 build_dir=$2 older_version=$3
export PACKAGE_BUILD_DIR=$build_dir
bash "$source_dir/scripts/package.sh"
PACKAGE_VERSION=$older_version bash "$source_dir/scripts/package.sh"
