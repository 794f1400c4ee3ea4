#!/usr/bin/env bash
# Every .cpp and .hpp file under common/ nagios/ zabbix/ prometheus/ web/ plugin/ tests/, and every
# real-system test script tests/real/test_*.sh, is listed in a CMakeLists.txt (or a .cmake file)
# of its folder or of a folder above it, by its path from that folder (plugin/CMakeLists.txt
# lists cli.cpp and cli.hpp, tests/CMakeLists.txt lists unit/test_cache.cpp). The build names
# its sources (no globs), so a file left out would silently not be compiled or run, and a
# header left out would be missing from the target it belongs to.
#   Args: SOURCE_DIR
set -euo pipefail
cd "$1"

# Whether CMAKE_FILE names PATH: a whole word, outside a comment, optionally after
# ${CMAKE_CURRENT_SOURCE_DIR}/ or ${CMAKE_CURRENT_LIST_DIR}/.
names() {
    local cmake_file=$1 path=$2
    local pattern='(^|[[:space:]("])'${path//./[.]}'([[:space:])"]|$)'
    local text
    text=$(sed -e 's/#.*//' -e 's/\${CMAKE_CURRENT_SOURCE_DIR}\///g' \
        -e 's/\${CMAKE_CURRENT_LIST_DIR}\///g' "$cmake_file")
    grep -qE -- "$pattern" <<<"$text"
}

listed() {
    local file=$1 dir
    dir=$(dirname "$file")
    while :; do
        local path=${file#"$dir"/} cmake_file
        for cmake_file in "$dir"/CMakeLists.txt "$dir"/*.cmake; do
            [[ -f $cmake_file ]] && names "$cmake_file" "$path" && return 0
        done
        [[ $dir == . ]] && return 1
        dir=$(dirname "$dir")
    done
}

unlisted=()
while IFS= read -r -d '' file; do
    file=${file#./}
    listed "$file" || unlisted+=("$file")
done < <(find common nagios zabbix prometheus web plugin tests \
    \( -name '*.cpp' -o -name '*.hpp' -o -path 'tests/real/test_*.sh' \) -print0 2>/dev/null | sort -z)

if ((${#unlisted[@]})); then
    echo "FAIL: not listed in any CMakeLists.txt (add each to the source list of its folder's" \
        "CMakeLists.txt, or tests/CMakeLists.txt for a test):"
    printf '    %s\n' "${unlisted[@]}"
    exit 1
fi
echo "sources listed: ok"
