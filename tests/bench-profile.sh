#!/usr/bin/env bash
# Where the plugin's share of tshark's time goes: samples of the CPU clock
# (perf, software event: works where hardware counters do not) with call
# stacks, on a plain read of the benchmark mix, counted by the part of the
# plugin on the stack. Instruction counts (bench-instructions.sh) miss what
# makes our code slow per instruction (allocation, hash maps, cache misses);
# this shows it.
#
#   bash tests/bench-profile.sh              # PHONES=1000: about 199,000 frames
#   PHONES=500 FREQ=8000 bash tests/bench-profile.sh
#
# Needs perf (apt-get install linux-perf) and a Rust toolchain. About a
# minute; the samples stay in target/bench/profile/.
set -euo pipefail
cd "$(dirname "$0")/.."

PHONES=${PHONES:-1000}
SEED=${SEED:-1}
FREQ=${FREQ:-4000}
BENCH=$PWD/target/bench
OUT=$BENCH/profile
command -v perf >/dev/null || { echo "needs perf (apt-get install linux-perf)" >&2; exit 1; }

# shellcheck source=tests/bench-setup.sh
. tests/bench-setup.sh

env -i PATH=/usr/bin:/bin HOME="$OUT/home-with" "${as_user[@]}" \
    perf record --quiet -e cpu-clock -F "$FREQ" --call-graph dwarf,8192 -o "$OUT/perf.data" \
    tshark -n -r "$capture" >/dev/null
perf script -f -i "$OUT/perf.data" -F ip,sym,dso 2>/dev/null >"$OUT/stacks.txt"

echo "Plain read of $(basename "$capture"): share of tshark's CPU samples whose stack holds..."
# One sample per blank-line-separated stack; a part counts once per sample.
awk '
    BEGIN {
        n = split("emcc.so|run_members|emccflow::dissect|Flow::observe|emccflow::show|ciscoalarm::postdissector::dissect|sip_message::messages|ciscotl::dissect|emcc::emcc::dissect|ciscotvs::dissect|ciscoreg::dissect|tap_inputs::read|wrapper_dissect|reset_capture_state", part, "|")
        label["emcc.so"] = "anything of ours"
        label["run_members"] = "our post-dissectors"
        label["wrapper_dissect"] = "the Skinny/TLS port wrappers"
        label["reset_capture_state"] = "freeing our memories at file close"
    }
    function flush() {
        if (!lines) return
        samples++
        for (i = 1; i <= n; i++) if (hit[i]) { count[i]++; hit[i] = 0 }
        lines = 0
    }
    /^[[:space:]]*$/ { flush(); next }
    {
        lines++
        for (i = 1; i <= n; i++) if (index($0, part[i])) hit[i] = 1
    }
    END {
        flush()
        printf "%-48s %8s %7s\n", "part", "samples", "share"
        for (i = 1; i <= n; i++) {
            name = (part[i] in label) ? label[part[i]] : part[i]
            printf "%-48s %8d %6.1f%%\n", name, count[i], 100 * count[i] / samples
        }
        printf "%-48s %8d\n", "all samples", samples
    }' "$OUT/stacks.txt"
