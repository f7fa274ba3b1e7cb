#!/usr/bin/env bash
# A load-independent estimate of what the plugin costs a plain read in time,
# not only in instructions: tshark with and without the plugin under
# valgrind's cache and branch simulation (callgrind --cache-sim=yes
# --branch-sim=yes), on the benchmark mix.
#
#   bash tests/bench-cycles.sh              # PHONES=200: about 41,000 frames
#   PHONES=500 bash tests/bench-cycles.sh
#
# Why: on a shared machine wall time varies by 10% to 30% between runs
# minutes apart, more than the plugin costs; instruction counts do not vary,
# but the plugin's code runs at a lower rate than Wireshark's (more missed
# branches and cache lines per instruction), so they understate its cost.
# This counts both, and weighs them with a simple model of a modern x86 core
# (stated below, and printed): an estimate, not a measurement.
#
# About two minutes at PHONES=200 (the two runs side by side, one core each).
# Needs valgrind.
set -euo pipefail
cd "$(dirname "$0")/.."

PHONES=${PHONES:-200}
SEED=${SEED:-1}
BENCH=$PWD/target/bench
OUT=$BENCH/cycles
command -v valgrind >/dev/null || { echo "needs valgrind (apt-get install valgrind)" >&2; exit 1; }

# shellcheck source=tests/bench-setup.sh
. tests/bench-setup.sh

# simulate SIDE: callgrind's summary line of a plain read
simulate() {
    local side=$1
    env -i PATH=/usr/bin:/bin HOME="$OUT/home-$side" "${as_user[@]}" \
        valgrind --tool=callgrind --cache-sim=yes --branch-sim=yes \
        --callgrind-out-file="$OUT/plain-$side.out" \
        tshark -n -r "$capture" >/dev/null 2>"$OUT/plain-$side.log"
}
simulate without &
simulate with
wait

frames=$(capinfos -M -c "$capture" | awk -F': *' '/Number of packets/ { print $2 }')
echo "Plain read of $(basename "$capture") ($frames frames), simulated by callgrind"
# The summary line's events: Ir Dr Dw I1mr D1mr D1mw ILmr DLmr DLmw Bc Bcm Bi Bim.
# The model: a core retiring about three instructions per cycle when nothing
# stalls it, 10 cycles per first-level cache miss, 100 per last-level miss,
# 15 per mispredicted branch (conditional or indirect).
awk '
    FNR == 1 { side = (FILENAME ~ /-with\.out$/) ? "with" : "without" }
    /^summary:/ {
        ir[side] = $2; l1[side] = $5 + $6 + $7; ll[side] = $8 + $9 + $10
        miss[side] = $12 + $14
        est[side] = $2 / 3 + 10 * l1[side] + 100 * ll[side] + 15 * miss[side]
    }
    END {
        printf "%-38s %15s %15s %8s\n", "", "without", "with", "plugin"
        row("instructions", ir); row("first-level cache misses", l1)
        row("last-level cache misses", ll); row("mispredicted branches", miss)
        row("estimated cycles (model)", est)
        print "model: instructions / 3 + 10 x L1 misses + 100 x LL misses + 15 x mispredictions"
    }
    function row(name, v) {
        printf "%-38s %15.0f %15.0f %+7.1f%%\n", name, v["without"], v["with"], (v["with"] / v["without"] - 1) * 100
    }
' "$OUT/plain-without.out" "$OUT/plain-with.out"
echo "Profiles: $OUT/plain-*.out (callgrind_annotate --show=Ir,Bcm,I1mr FILE)"
