#!/usr/bin/env bash
# Runs every capture in captures/ through tshark with the plugin under valgrind's
# memcheck: tests/valgrind.sh [CAPTURE...]
#
# Each capture is dissected twice (-2) with full detail (-V) and the flow report and
# statistics tree (-z emccflow, -z emccflow,tree), so every dissector, tap and report
# of the plugin runs. Any memcheck error (invalid read or write, use of uninitialised
# memory, bad free) fails the run; leaks are not checked (Wireshark does not free its
# tables at exit). The plugin is a debug build, so stacks name our functions.
# About 30-60 s per capture on one core; two captures run at a time.
# Needs valgrind (Debian package `valgrind`). As root, tshark runs as user nobody,
# which is the only way it loads a personal plugin.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v valgrind >/dev/null || { echo "valgrind is not installed" >&2; exit 2; }
cargo build --lib --quiet
ws=$(pkg-config --modversion wireshark | cut -d. -f1,2)

work=$(mktemp -d /tmp/emcc-valgrind.XXXXXX)
trap 'rm -rf "$work"' EXIT
plugins=$work/home/.local/lib/wireshark/plugins/$ws/epan
mkdir -p "$plugins" "$work/captures" "$work/logs"
cp target/debug/libemcc.so "$plugins/emcc.so"
if [ $# -gt 0 ]; then
    for c in "$@"; do cp "captures/$(basename "$c")" "$work/captures/"; done
else
    cp captures/*.pcapng "$work/captures/"
fi
chmod -R a+rwX "$work"

as_user=()
if [ "$(id -u)" -eq 0 ]; then
    as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups --)
fi
run() { "${as_user[@]}" env HOME="$work/home" TZ=UTC "$@"; }

if ! run tshark -G plugins | grep -q '^emcc\.so'; then
    echo "TSHARK DID NOT LOAD THE PLUGIN from $plugins" >&2
    exit 1
fi

check_one() {
    local capture=$1 name log status=0
    name=$(basename "$capture" .pcapng)
    log=$work/logs/$name.log
    run valgrind --error-exitcode=99 --leak-check=no --track-origins=yes --num-callers=30 \
        --log-file="$log" \
        tshark -n -2 -V -r "$capture" -z emccflow -z emccflow,tree >/dev/null 2>&1 || status=$?
    if [ "$status" -eq 0 ] && ! grep -q 'ERROR SUMMARY: [1-9]' "$log"; then
        printf '%-40s clean\n' "$name"
    else
        printf '%-40s FAILED (exit %s)\n' "$name" "$status"
        cat "$log"
        return 1
    fi
}
export -f check_one run
export work
export as_user_line="${as_user[*]}"

failed=0
started=$SECONDS
# Two at a time; xargs returns non-zero if any run failed.
printf '%s\n' "$work"/captures/*.pcapng |
    xargs -P 2 -I{} bash -c 'as_user=($as_user_line); check_one "$1"' _ {} || failed=1
count=$(find "$work/captures" -name '*.pcapng' | wc -l)
echo "valgrind: $count captures in $((SECONDS - started)) s"
exit "$failed"
