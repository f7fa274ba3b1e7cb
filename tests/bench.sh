#!/usr/bin/env bash
# Benchmark: tshark with the plugin against tshark without it, on a large
# generated capture of a realistic voice network (see captures/README.md,
# "Benchmark capture"). Prints wall time, CPU time and peak memory of each
# scenario with and without the plugin, the ratios, and how time and memory
# grow when the capture doubles.
#
#   bash tests/bench.sh                 # ~1M frames, 3 runs of each
#   PHONES=2500 RUNS=5 bash tests/bench.sh
#   MIX=crowd PHONES=600 bash tests/bench.sh    # every phone logs in: worst case
#
# Builds go to $CARGO_TARGET_DIR (default target/), the captures and figures
# to its bench/ folder: another Wireshark release's build (a chroot, see
# docs/performance.md) keeps its own.
#
# Runs are interleaved (with, without, with, ...) so that a busy machine
# slows both sides alike; the figures are medians. Needs tshark,
# libwireshark-dev, GNU time (/usr/bin/time) and a Rust toolchain.
set -euo pipefail
cd "$(dirname "$0")/.."

PHONES=${PHONES:-5000}
# bench: the realistic mix; crowd: every phone logs in (the worst case).
MIX=${MIX:-bench}
SEED=${SEED:-1}
RUNS=${RUNS:-3}
target=${CARGO_TARGET_DIR:-$PWD/target}
BENCH=$target/bench
mkdir -p "$BENCH"

[ -x /usr/bin/time ] || { echo "bench: needs GNU time (apt-get install time)" >&2; exit 1; }

cargo build --quiet --release -p emcc-dissector --lib
cargo build --quiet --release -p emcc-captures
plugin=$target/release/libemcc.so
ws_version=$(pkg-config --modversion wireshark | cut -d. -f1,2)

# Two homes: one with the plugin in its personal plugin folder, one without.
rm -rf "$BENCH/home-with" "$BENCH/home-without"
mkdir -p "$BENCH/home-with/.local/lib/wireshark/plugins/$ws_version/epan" "$BENCH/home-without"
cp "$plugin" "$BENCH/home-with/.local/lib/wireshark/plugins/$ws_version/epan/emcc.so"

# tshark run as root ignores personal plugins: run it as nobody then.
as_user=()
if [ "$(id -u)" = 0 ]; then
    as_user=(setpriv --reuid=nobody --regid=nogroup --clear-groups --)
    chmod -R a+rX "$BENCH"
    d=$BENCH
    while [ "$d" != / ]; do chmod o+x "$d" 2>/dev/null || true; d=$(dirname "$d"); done
fi

shark() { # shark with|without ARGS...: tshark with that home
    local home=$BENCH/home-$1
    shift
    env -i PATH=/usr/bin:/bin HOME="$home" XDG_CONFIG_HOME="$home/.config" \
        "${as_user[@]}" tshark "$@"
}

shark with -G plugins | grep -q 'emcc.so' || { echo "bench: plugin did not load" >&2; exit 1; }
if shark without -G plugins | grep -q 'emcc.so'; then
    echo "bench: the plugin is installed globally; the 'without' runs would load it" >&2
    exit 1
fi

capture_for() { # capture_for PHONES: generate (once per generator build) and print the path
    local file=$BENCH/emcc-$MIX-$1-$SEED.pcapng
    if [ ! -s "$file" ] || [ ! "$file" -nt "$target/release/emcc-captures" ]; then
        "$target/release/emcc-captures" "--$MIX" "$1" --seed "$SEED" --out "$BENCH" >&2
    fi
    chmod a+r "$file"
    echo "$file"
}

# measure SIDE CAPTURE ARGS...: one run; prints "wall cpu rss_mb"
measure() {
    local side=$1 capture=$2
    shift 2
    local out=$BENCH/time.$$
    /usr/bin/time -f '%e %U %S %M' -o "$out" \
        env -i PATH=/usr/bin:/bin HOME="$BENCH/home-$side" XDG_CONFIG_HOME="$BENCH/home-$side/.config" \
        "${as_user[@]}" tshark -n -r "$capture" "$@" >/dev/null 2>"$BENCH/stderr.$$" || {
        echo "bench: tshark failed ($side $*):" >&2
        cat "$BENCH/stderr.$$" >&2
        exit 1
    }
    awk '{ printf "%.3f %.3f %.1f\n", $1, $2 + $3, $4 / 1024 }' "$out"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# scenario NAME CAPTURE "WITH ARGS" "WITHOUT ARGS": RUNS interleaved runs of
# each side; prints one table row and keeps the medians in $row_*. Empty
# arguments are a plain read (summary lines); WITHOUT ARGS "-" runs the
# plugin side only.
scenario() {
    local name=$1 capture=$2 with_args=$3 without_args=$4
    local w_wall=() w_cpu=() w_rss=() o_wall=() o_cpu=() o_rss=()
    for _ in $(seq "$RUNS"); do
        # shellcheck disable=SC2086
        read -r a b c < <(measure with "$capture" $with_args)
        w_wall+=("$a"); w_cpu+=("$b"); w_rss+=("$c")
        if [ "$without_args" != - ]; then
            # shellcheck disable=SC2086
            read -r a b c < <(measure without "$capture" $without_args)
            o_wall+=("$a"); o_cpu+=("$b"); o_rss+=("$c")
        fi
    done
    row_w_wall=$(printf '%s\n' "${w_wall[@]}" | median)
    row_w_cpu=$(printf '%s\n' "${w_cpu[@]}" | median)
    row_w_rss=$(printf '%s\n' "${w_rss[@]}" | median)
    if [ "$without_args" != - ]; then
        row_o_wall=$(printf '%s\n' "${o_wall[@]}" | median)
        row_o_cpu=$(printf '%s\n' "${o_cpu[@]}" | median)
        row_o_rss=$(printf '%s\n' "${o_rss[@]}" | median)
        row_ratio=$(awk -v a="$row_w_wall" -v b="$row_o_wall" 'BEGIN { printf "%+.1f%%", (a / b - 1) * 100 }')
    else
        row_o_wall=-; row_o_cpu=-; row_o_rss=-; row_ratio=-
    fi
    printf '%-40s %8s %8s %8s | %8s %8s %8s | %8s\n' "$name" \
        "$row_o_wall" "$row_o_cpu" "$row_o_rss" "$row_w_wall" "$row_w_cpu" "$row_w_rss" "$row_ratio"
}

big=$(capture_for "$PHONES")
half=$(capture_for $((PHONES / 2)))
frames=$(capinfos -M -c "$big" | awk -F': *' '/Number of packets/ { print $2 }')

echo
echo "Machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo); $(shark without --version | head -1 | awk '{ print $1, $2, $3 }')"
echo "Capture: $(basename "$big") ($PHONES phones, $frames frames, $(du -h "$big" | cut -f1)); $RUNS interleaved runs, medians"
echo
printf '%-40s %26s | %26s | %8s\n' "" "without plugin" "with plugin" ""
printf '%-40s %8s %8s %8s | %8s %8s %8s | %8s\n' "scenario" "wall s" "cpu s" "rss MB" "wall s" "cpu s" "rss MB" "wall +"

scenario "1 plain read (summary lines)" "$big" "" ""
read_without=$row_o_wall; read_with=$row_w_wall; rss_read_with=$row_w_rss; rss_read_without=$row_o_rss
scenario "1q -q alone (dissects nothing)" "$big" "-q" "-q"
scenario "2 -q -Y 'sip || http'" "$big" "-q -Y sip||http" "-q -Y sip||http"
filter_ratio=$row_ratio
scenario "3 -T fields -e frame.number -e sip.Method" "$big" \
    "-T fields -e frame.number -e sip.Method" "-T fields -e frame.number -e sip.Method"
fields_ratio=$row_ratio
scenario "3b -T fields, ours (emccflow.phase)" "$big" \
    "-T fields -e frame.number -e ciscoalarm.name -e emccflow.phase" -
scenario "4 -q -z emccflow" "$big" "-q -z emccflow" -
report_with=$row_w_wall
scenario "5 two passes (-2 -q)" "$big" "-2 -q" "-2 -q"

echo
echo "Doubling (with the plugin): $((PHONES / 2)) phones -> $PHONES phones"
scenario "1 plain read, half capture" "$half" "" ""
half_read=$row_w_wall; half_read_without=$row_o_wall; rss_half_with=$row_w_rss
scenario "4 -z emccflow, half capture" "$half" "-q -z emccflow" -
half_report=$row_w_wall

echo
awk -v rw="$read_with" -v ro="$read_without" -v fr="$filter_ratio" -v fdr="$fields_ratio" \
    -v rep="$report_with" -v hr="$half_read" -v hro="$half_read_without" -v hrep="$half_report" \
    -v mw="$rss_read_with" -v mo="$rss_read_without" -v mh="$rss_half_with" 'BEGIN {
    printf "Targets (wall time, medians):\n"
    printf "  plain read: %.2fx without the plugin (target at most 1.05x)\n", rw / ro
    printf "  -q -Y \"sip || http\": plugin adds %s (target at most +10%%)\n", fr
    printf "  -T fields -e frame.number -e sip.Method: plugin adds %s (target at most +5%%)\n", fdr
    printf "  -q -z emccflow: %.2fx the plain read without the plugin (target at most 1.10x)\n", rep / ro
    printf "  peak memory of the plain read: %.2fx (%.0f MB with, %.0f MB without; target at most 1.10x)\n", mw / mo, mw, mo
    printf "  doubling the capture: plain read x%.2f (without the plugin x%.2f), -z emccflow x%.2f,\n", rw / hr, ro / hro, rep / hrep
    printf "    peak memory x%.2f (target at most x2)\n", mw / mh
}'
rm -f "$BENCH"/time.$$ "$BENCH"/stderr.$$
