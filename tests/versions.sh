#!/usr/bin/env bash
# The version matrix: builds the plugin and runs the test suite against each
# supported Wireshark release, each in the distribution that ships it.
#
#   tests/versions.sh [--headers-only] [VERSION...]     (default: 4.0 4.2 4.4 4.6)
#
# - A release whose tshark is the one installed on this machine runs here.
# - Any other runs in a debootstrap chroot of the distribution that ships it
#   (table below), created once and cached in $EMCC_CHROOTS
#   (default /var/tmp/emcc-chroots), with tshark, libwireshark-dev and the
#   build tools installed. The repository and this machine's rustup toolchain
#   are bind-mounted into it, in a private mount namespace, so nothing stays
#   mounted after a run. Builds go to target/ws-X.Y.
# - In each: clippy with -D warnings (code behind another release's cfg is
#   linted there), then `cargo test` (unit and integration tests, tshark of
#   that release loading the plugin built against its headers).
# - --headers-only: no chroot, no tests; downloads the release's -dev packages
#   and its libwireshark/libwsutil (apt with a private state folder),
#   unpacks them, builds the plugin against those headers and checks that
#   every Wireshark symbol the plugin imports is exported by those libraries.
#
# - Mirrors (none is named here): $EMCC_DEBIAN_MIRROR and $EMCC_UBUNTU_MIRROR
#   when set; else the first Debian or Ubuntu source of this machine's apt
#   configuration (/etc/apt/sources.list, sources.list.d/*.list and
#   *.sources); else debootstrap's own default for the suite (read from
#   debootstrap's script for the suite where apt needs a URL).
#
# Needs root (debootstrap, chroot, mount namespaces), debootstrap, and rustup.
# --headers-only needs neither chroot nor rustup's toolchain mounts, but for
# 4.2 (Ubuntu) on a machine without an Ubuntu apt source it reads the mirror
# from debootstrap's script, so debootstrap must be installed there too.
# Prints one summary line per release; logs go to target/versions/X.Y.log.
# Exit status: 0 when every requested release passed.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cache=${EMCC_CHROOTS:-/var/tmp/emcc-chroots}
logs=$repo/target/versions
# shellcheck source=tests/chroot.sh
. "$repo/tests/chroot.sh"

# release -> distribution suite, components
suite_of() {
    case $1 in
    4.0) echo bookworm ;;
    4.2) echo noble ;;
    4.4) echo trixie ;;
    4.6) echo sid ;;
    *) return 1 ;;
    esac
}
components_of() { suite_components "$(suite_of "$1")"; }

headers_only=0
versions=()
for arg in "$@"; do
    case $arg in
    --headers-only) headers_only=1 ;;
    -h | --help)
        sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
        exit 0
        ;;
    *)
        suite_of "$arg" >/dev/null || {
            echo "versions.sh: unknown release $arg (known: 4.0 4.2 4.4 4.6)" >&2
            exit 2
        }
        versions+=("$arg")
        ;;
    esac
done
[ ${#versions[@]} -gt 0 ] || versions=(4.0 4.2 4.4 4.6)

rustup_home=${RUSTUP_HOME:-$HOME/.rustup}
cargo_home=${CARGO_HOME:-$HOME/.cargo}
mkdir -p "$logs" "$cache"

now() { date +%s; }

# major.minor of the tshark on PATH (empty when none).
host_release() {
    command -v tshark >/dev/null || return 0
    tshark --version 2>/dev/null | head -1 | awk '{print $3}' | cut -d. -f1,2
}

cargo_steps() {
    # $1: target dir. Runs clippy then the test suite; tests print their
    # "test result" lines, which the summary counts.
    CARGO_TARGET_DIR=$1 cargo clippy --all-targets --quiet -- -D warnings &&
        CARGO_TARGET_DIR=$1 cargo clippy --all-targets --features fault-injection --quiet -- -D warnings &&
        CARGO_TARGET_DIR=$1 cargo test --no-fail-fast
}

run_full() {
    local version=$1 suite root
    if [ "$(host_release)" = "$version" ]; then
        echo "Wireshark $version: this machine's tshark ($(tshark --version | head -1))"
        (cd "$repo" && cargo_steps "$repo/target")
        return
    fi
    ensure_build_chroot "$(suite_of "$version")"
    suite=$(suite_of "$version")
    root=$cache/$suite
    in_chroot "$root" /bin/sh -c 'tshark --version | head -1'
    local got
    got=$(in_chroot "$root" /bin/sh -c 'tshark --version | head -1' | awk '{print $3}' | cut -d. -f1,2)
    if [ "$got" != "$version" ]; then
        echo "the $suite chroot ships tshark $got, not $version: the table in $0 is out of date" >&2
        return 1
    fi
    in_chroot "$root" /bin/bash -c "cd /src && $(declare -f cargo_steps) && cargo_steps /src/target/ws-$version"
}

# Downloads (apt, private state) and unpacks a release's headers and libraries.
fetch_headers() {
    local version=$1 suite dir keyring
    suite=$(suite_of "$version")
    dir=$cache/headers-$suite
    [ -f "$dir/.emcc-ready" ] && { echo "$dir"; return; }
    rm -rf "$dir"
    mkdir -p "$dir/debs" "$dir/root"
    if [ "$suite" = noble ]; then keyring=$(ubuntu_keyring); else
        keyring=/usr/share/keyrings/debian-archive-keyring.gpg
    fi
    local mirror
    mirror=$(mirror_of_suite "$suite")
    if [ -z "$mirror" ]; then
        # No source of that distribution in this machine's apt configuration
        # (Ubuntu's, on a Debian machine) and no debootstrap to read its
        # default from.
        echo "no mirror known for $suite: install debootstrap or set EMCC_$(distro_of_suite "$suite" | tr a-z A-Z)_MIRROR" >&2
        return 1
    fi
    echo "deb [signed-by=$keyring] $mirror $suite $(components_of "$version" | tr , ' ')" \
        >"$dir/sources.list"
    private_apt "$dir"
    local apt=("${apt_private[@]}")
    apt-get "${apt[@]}" update >&2
    # The -dev packages name the exact runtime libraries they go with.
    local wanted=(libwireshark-dev libwsutil-dev libwiretap-dev)
    local pkg
    for pkg in libwireshark-dev libwsutil-dev; do
        wanted+=($(apt-cache "${apt[@]}" depends "$pkg" | awk '/Depends: lib(wireshark|wsutil)[0-9]/{print $2}'))
    done
    (cd "$dir/debs" && apt-get "${apt[@]}" download "${wanted[@]}" >&2)
    for deb in "$dir"/debs/*.deb; do dpkg -x "$deb" "$dir/root"; done
    touch "$dir/.emcc-ready"
    echo "$dir"
}

run_headers_only() {
    local version=$1 dir include libdir target
    dir=$(fetch_headers "$version") || return 1
    include=$dir/root/usr/include/wireshark
    libdir=$(dirname "$(find "$dir/root" -name 'libwireshark.so.*' | head -1)")
    target=$repo/target/ws-$version-headers
    echo "Wireshark $version: headers $(awk '/define WIRESHARK_VERSION_(MAJOR|MINOR|MICRO)/ {printf "%s%s", sep, $3; sep = "."}' "$include/ws_version.h")"
    (cd "$repo" && WIRESHARK_INCLUDE_DIR=$include CARGO_TARGET_DIR=$target \
        cargo clippy --lib --quiet -- -D warnings &&
        WIRESHARK_INCLUDE_DIR=$include CARGO_TARGET_DIR=$target cargo build --lib)
    # Built without linking Wireshark (its symbols bind at load): check here
    # that every one the plugin needs is exported by this release's libraries.
    local missing
    missing=$(comm -23 \
        <(nm -D --undefined-only "$target/debug/libemcc.so" | awk '$1 == "U" {print $2}' | sed 's/@.*//' | sort -u) \
        <( (nm -D --defined-only "$libdir"/libwireshark.so.* "$libdir"/libwsutil.so.* \
            "$(find /usr/lib /lib -name 'libglib-2.0.so.0' | head -1)" 2>/dev/null |
            awk 'NF == 3 {print $3}' | sed 's/@.*//'
            ldd "$target/debug/libemcc.so" | awk '/libc.so|libgcc_s|libm.so|ld-linux/ {print ($3 ~ /^\// ? $3 : $1)}' |
                xargs -r nm -D --defined-only | awk 'NF == 3 {print $3}' | sed 's/@.*//') | sort -u))
    if [ -n "$missing" ]; then
        echo "symbols the plugin imports that Wireshark $version does not export:"
        echo "$missing"
        return 1
    fi
    echo "every imported symbol is exported by Wireshark $version's libraries"
}

summary=()
status=0
for version in "${versions[@]}"; do
    log=$logs/$version.log
    [ $headers_only = 0 ] || log=$logs/$version-headers.log
    start=$(now)
    if [ $headers_only = 1 ]; then mode=headers; else mode=full; fi
    echo "=== Wireshark $version ($mode) -> $log"
    if { if [ $mode = headers ]; then run_headers_only "$version"; else run_full "$version"; fi; } >"$log" 2>&1; then
        result=ok
    else
        result=FAILED
        status=1
    fi
    secs=$(($(now) - start))
    counts=$(awk '/^test result:/ {p += $4; f += $6; i += $8} END {if (NR) printf "%d passed, %d failed, %d ignored", p, f, i}' \
        <(grep '^test result:' "$log" || true))
    [ -n "$counts" ] || counts="no tests run"
    line="Wireshark $version: $result ($mode, $counts, ${secs}s; $(grep -m1 -oE 'TShark \(Wireshark\) [0-9.]+|headers [0-9.]+' "$log" || echo 'version not seen'))"
    echo "$line"
    [ $result = ok ] || tail -n 30 "$log"
    summary+=("$line")
done
echo
printf '%s\n' "${summary[@]}" | tee "$logs/summary.txt"
exit $status
