#!/usr/bin/env bash
# Instruction counts of tshark with and without the plugin (valgrind callgrind),
# on the benchmark mix at a size callgrind can take (PHONES=500: about 100,000
# frames). Unlike wall time, the counts do not depend on what else the machine is
# doing, so a change's cost can be compared to the instruction.
#
#   bash tests/bench-instructions.sh     # the scenarios of tests/bench.sh, and ours disabled
#   PHONES=1000 bash tests/bench-instructions.sh
#
# About two minutes per run on one core (eleven runs). Needs valgrind.
set -euo pipefail
cd "$(dirname "$0")/.."

PHONES=${PHONES:-500}
SEED=${SEED:-1}
BENCH=$PWD/target/bench
OUT=$BENCH/callgrind
command -v valgrind >/dev/null || { echo "needs valgrind (apt-get install valgrind)" >&2; exit 1; }

# shellcheck source=tests/bench-setup.sh
. tests/bench-setup.sh

# count SIDE NAME ARGS...: instructions tshark executes
count() {
    local side=$1 name=$2
    shift 2
    local log=$OUT/$name-$side.log
    env -i PATH=/usr/bin:/bin HOME="$OUT/home-$side" "${as_user[@]}" \
        valgrind --tool=callgrind --callgrind-out-file="$OUT/$name-$side.out" \
        tshark -n -r "$capture" "$@" >/dev/null 2>"$log"
    sed -n 's/.*Collected : *//p' "$log"
}

frames=$(capinfos -M -c "$capture" | awk -F': *' '/Number of packets/ { print $2 }')
echo "Capture: $(basename "$capture") ($frames frames); instructions executed by tshark"
printf '%-32s %16s %16s %8s\n' scenario without with plugin
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%+.1f%%", (a / b - 1) * 100 }'; }
# The scenarios of tests/bench.sh: the same arguments on both sides.
for spec in "1-plain|" "2-filter|-q -Y sip||http" "3-fields|-T fields -e frame.number -e sip.Method" \
    "1b-io-phs|-q -z io,phs"; do
    name=${spec%%|*}
    # shellcheck disable=SC2086
    without=$(count without "$name" ${spec#*|})
    # shellcheck disable=SC2086
    with=$(count with "$name" ${spec#*|})
    [ "$name" = 1-plain ] && plain_without=$without
    printf '%-32s %16s %16s %8s\n' "$name (${spec#*|})" "$without" "$with" "$(ratio "$with" "$without")"
done
# The report, against a plain read without the plugin (target at most +10%).
with=$(count with 4-report -q -z emccflow)
printf '%-32s %16s %16s %8s\n' "4-report (-q -z emccflow)" "$plain_without" "$with" "$(ratio "$with" "$plain_without")"
# A plain read with every protocol of ours disabled (--disable-protocol, one
# option per protocol): the plugin then registers no tap listener and its
# post-dissector leaves every frame at once.
disabled=()
for p in ciscoalarm ciscoreg ciscoremotecc ciscotl ciscotvs emcc emccflow; do disabled+=(--disable-protocol "$p"); done
with=$(count with 1a-plain-ours-disabled "${disabled[@]}")
printf '%-32s %16s %16s %8s\n' "1a-plain (ours disabled)" "$plain_without" "$with" "$(ratio "$with" "$plain_without")"
echo "Profiles: $OUT/*.out (callgrind_annotate FILE)"
