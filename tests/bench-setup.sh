# Shared by bench-instructions.sh and bench-profile.sh (sourced, from the
# repository's top folder): builds the plugin and the capture generator,
# puts the plugin in the personal plugin folder of "$OUT/home-with" (and
# makes an empty "$OUT/home-without"), generates the benchmark capture of
# $PHONES phones (seed $SEED) into $BENCH unless it is there and newer than
# the generator (a changed generator makes another mix), and sets
# `capture` and `as_user` (tshark as root ignores personal plugins: run it as
# nobody then, with the benchmark folder readable).
# shellcheck shell=bash

cargo build --quiet --release -p emcc-dissector --lib
cargo build --quiet --release -p emcc-captures
ws_version=$(pkg-config --modversion wireshark | cut -d. -f1,2)
mkdir -p "$OUT/home-with/.local/lib/wireshark/plugins/$ws_version/epan" "$OUT/home-without"
cp target/release/libemcc.so "$OUT/home-with/.local/lib/wireshark/plugins/$ws_version/epan/emcc.so"
capture=$BENCH/emcc-bench-$PHONES-$SEED.pcapng
if ! [ -s "$capture" ] || ! [ "$capture" -nt target/release/emcc-captures ]; then
    target/release/emcc-captures --bench "$PHONES" --seed "$SEED" --out "$BENCH" >&2
fi

as_user=()
if [ "$(id -u)" = 0 ]; then
    as_user=(setpriv --reuid=nobody --regid=nogroup --clear-groups --)
    chmod -R a+rwX "$BENCH"
    d=$BENCH
    while [ "$d" != / ]; do chmod o+x "$d" 2>/dev/null || true; d=$(dirname "$d"); done
fi
env -i PATH=/usr/bin:/bin HOME="$OUT/home-with" "${as_user[@]}" tshark -G plugins | grep -q emcc.so ||
    { echo "the plugin did not load" >&2; exit 1; }
