#!/usr/bin/env bash
# sources_listed.sh finds a file its folder's CMakeLists.txt does not list, and is not fooled
# by a comment, another folder's file of the same name or a longer name.   Args: SOURCES_LISTED
set -euo pipefail
check=$1
tree=$(mktemp -d)
trap 'rm -rf "$tree"' EXIT
mkdir -p "$tree"/{common,nagios,zabbix,prometheus,plugin,tests/unit,tests/real}
touch "$tree"/common/{a,b,c,d}.cpp "$tree"/common/{a,b}.hpp "$tree"/plugin/a.cpp "$tree"/tests/unit/test_a.cpp \
    "$tree"/tests/real/test_x.sh
cat >"$tree"/common/CMakeLists.txt <<'CMAKE'
add_library(x a.cpp a.hpp
    ${CMAKE_CURRENT_SOURCE_DIR}/d.cpp
    bb.cpp) # b.cpp
CMAKE
cat >"$tree"/tests/CMakeLists.txt <<'CMAKE'
foreach(source IN ITEMS unit/test_a.cpp "real/test_x.sh" common/c.cpp)
CMAKE

set +e
out=$(bash "$check" "$tree")
status=$?
set -e
[[ $status -eq 1 ]] || { echo "FAIL: exit $status, expected 1: $out"; exit 1; }
expected=$'    common/b.cpp\n    common/b.hpp\n    common/c.cpp\n    plugin/a.cpp'
[[ $(grep '^    ' <<<"$out") == "$expected" ]] ||
    { echo "FAIL: reported"; echo "$out"; echo "expected"; echo "$expected"; exit 1; }

# With every file listed it passes.
printf 'add_library(y a.cpp)\n' >"$tree"/plugin/CMakeLists.txt
printf 'add_library(x a.cpp a.hpp b.cpp b.hpp c.cpp d.cpp)\n' >"$tree"/common/CMakeLists.txt
bash "$check" "$tree" >/dev/null || { echo "FAIL: a fully listed tree was refused"; exit 1; }
echo "sources listed check: ok"
