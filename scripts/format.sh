#!/usr/bin/env bash
# Every C++ file of the project against .clang-format.
#   scripts/format.sh          check: lists the files that differ, exits 1 if any
#   scripts/format.sh --fix    rewrite them in place
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -d '' files < <(find common nagios zabbix prometheus web plugin tests \
    \( -name '*.cpp' -o -name '*.hpp' \) -print0 | sort -z)
if [[ "${1:-}" == "--fix" ]]; then
    clang-format -i "${files[@]}"
    exit 0
fi
unformatted=()
for f in "${files[@]}"; do
    clang-format --dry-run -Werror "$f" 2>/dev/null || unformatted+=("$f")
done
if ((${#unformatted[@]})); then
    printf 'format: not formatted as .clang-format says (fix: scripts/format.sh --fix):\n' >&2
    printf '  %s\n' "${unformatted[@]}" >&2
    exit 1
fi
echo "format: ${#files[@]} C++ files match .clang-format"
