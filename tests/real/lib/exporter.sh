# Shared by the real tests that run `atol-kkt exporter` (sourced, after lib/tally.sh): it starts
# on an ephemeral loopback port against the emulator at $api_url, with a cache in $work, and
# says its URL on stderr. The sourcing script sets atol, work and api_url.

# start_exporter [OPTION...]: the exporter with these options; sets exporter_url (or dies).
start_exporter() {
    env -i PATH="$PATH" HOME="$work" ATOL_KKT_CACHE_DIR="$work/cache" ATOL_KKT_BASE_URL="$api_url" \
        LC_ALL=C.UTF-8 "$atol" exporter --web.listen-address 127.0.0.1:0 "$@" \
        2>"$work/exporter.log" &
    pids+=($!)
    exporter_url=
    for _ in $(seq 100); do
        exporter_url=$(grep -oE 'listening on http://127\.0\.0\.1:[0-9]+' "$work/exporter.log" |
            head -n1 | cut -d' ' -f3) || true
        [[ -n $exporter_url ]] && return 0
        sleep 0.1
    done
    die "the exporter did not start"
}
