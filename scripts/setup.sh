#!/usr/bin/env bash
# Installs what atol-kkt-monitor needs on Debian 12 (when missing) and builds it.
#   scripts/setup.sh [--tests]     --tests also installs what the test suite runs against
# Environment: BUILD_DIR (default: build), BUILD_TYPE (default: RelWithDebInfo).
set -euo pipefail
cd "$(dirname "$0")/.."

build_packages=(g++ cmake ninja-build pkg-config libcurl4-openssl-dev libssl-dev zlib1g-dev
    libboost1.81-dev libboost-json1.81-dev libboost-program-options1.81-dev
    libyaml-cpp-dev libcrypt-dev libgtest-dev libgmock-dev dpkg-dev file)
test_packages=(lintian curl openssl jq time debootstrap zabbix-agent zabbix-proxy-sqlite3 icinga2-bin nagios4-core locales
    php-cli php-mbstring php-xml php-pgsql php-gd php-bcmath zabbix-frontend-php postgresql-15
    libcurl3-gnutls libevent-2.1-7 libgnutls30 libldap-2.5-0 libodbc2 libopenipmi0 libpcre2-8-0
    libpq5 libsnmp40 libssh2-1 libxml2 zlib1g prometheus chromium groff-base strace tinyproxy-bin
    clang libclang-rt-14-dev valgrind clang-format systemd procps)

want=("${build_packages[@]}")
[[ "${1:-}" == "--tests" ]] && want+=("${test_packages[@]}")

missing=()
for p in "${want[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
    echo "setup: installing ${missing[*]}"
    if [[ $(id -u) -ne 0 ]]; then
        echo "setup: missing packages and not root; run as root or install: ${missing[*]}" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

build_dir=${BUILD_DIR:-build}
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" >/dev/null
if [[ "${1:-}" == "--tests" ]]; then
    cmake --build "$build_dir"
else
    # The program and the emulator are all the demo needs: skip building the test suite.
    cmake --build "$build_dir" --target atol-kkt atol-kkt-emulator
fi
