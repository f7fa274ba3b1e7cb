#!/usr/bin/env bash
# The Debian packages: one wireshark-emcc package per supported release, each
# built against that release's own Wireshark in a clean chroot of it.
#
#   tests/package.sh [--chroot-only] [RELEASE...]
#                     (bookworm, noble, trixie, sid; default: all four)
#
# - --chroot-only: only create (or find) the build chroots, no build: CI
#   makes the bookworm one in the background while other steps use the CPU.
#
# - The chroot: the build chroot of tests/versions.sh (tests/chroot.sh,
#   ensure_build_chroot: debootstrap's minimal base of the release with
#   tshark, libwireshark-dev, clang, pkg-config), created once and cached in
#   $EMCC_CHROOTS/RELEASE (default /var/tmp/emcc-chroots), with the repository
#   and this machine's rustup toolchain bind-mounted in.
# - In it: `cargo build --release --lib --locked` (no fault-injection
#   feature) into target/pkg-RELEASE, then cargo-deb (`cargo install cargo-deb
#   --locked`; 3.8.0 when written, from this machine's ~/.cargo/bin) with the
#   variant of the release (`[package.metadata.deb.variants.RELEASE]` in
#   Cargo.toml), the version 0.1.0+wiresharkX.Y (this crate's version and the
#   release's Wireshark major.minor) and `--strip` (the release profile keeps
#   debug info; the package does not).
# - Checked on each package: the release ships the Wireshark major.minor the
#   table below says; the plugin is at `pkg-config --variable=plugindir
#   wireshark`/epan/emcc.so of that release; the libwireshark package the
#   package depends on is the one that ships that release's libwireshark.so.N;
#   the plugin holds no fault-injection switch.
# - Writes target/packages/wireshark-emcc_0.1.0+wiresharkX.Y_amd64.deb, one
#   per release. tests/package-test.sh installs them on fresh machines.
# - Mirrors: as tests/versions.sh (tests/chroot.sh).
#
# Needs root (debootstrap, chroot, mount namespaces), debootstrap, rustup and
# cargo-deb. Prints one summary line per release; logs go to
# target/package-logs/RELEASE.log. Exit status: 0 when every requested package
# was built.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cache=${EMCC_CHROOTS:-/var/tmp/emcc-chroots}
logs=$repo/target/package-logs
out=$repo/target/packages
# shellcheck source=tests/chroot.sh
. "$repo/tests/chroot.sh"

releases=()
chroot_only=0
for arg in "$@"; do
    case $arg in
    --chroot-only) chroot_only=1 ;;
    -h | --help)
        sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
        exit 0
        ;;
    *)
        wireshark_of "$arg" >/dev/null || {
            echo "package.sh: unknown release $arg (known: ${package_releases[*]})" >&2
            exit 2
        }
        releases+=("$arg")
        ;;
    esac
done
[ ${#releases[@]} -gt 0 ] || releases=("${package_releases[@]}")

rustup_home=${RUSTUP_HOME:-$HOME/.rustup}
cargo_home=${CARGO_HOME:-$HOME/.cargo}
if [ $chroot_only = 1 ]; then
    mkdir -p "$cache"
    for release in "${releases[@]}"; do
        ensure_build_chroot "$release"
    done
    exit 0
fi
[ -x "$cargo_home/bin/cargo-deb" ] || {
    echo "package.sh: needs cargo-deb ($cargo_home/bin/cargo-deb): cargo install cargo-deb --locked" >&2
    exit 1
}
# This crate's version: the first `version` of Cargo.toml's [package].
crate_version=$(awk '/^\[package\]/ {p = 1; next} /^\[/ {p = 0} p && $1 == "version" {gsub(/"/, "", $3); print $3; exit}' "$repo/Cargo.toml")
mkdir -p "$logs" "$out" "$cache"

now() { date +%s; }

# The package's file name for a release.
package_file() { echo "wireshark-emcc_${crate_version}+wireshark$(wireshark_of "$1")_amd64.deb"; }

build_package() {
    local release=$1 ws root got plugindir libpkg deb tmp
    ws=$(wireshark_of "$release")
    root=$cache/$release
    ensure_build_chroot "$release"
    got=$(in_chroot "$root" /bin/sh -c 'tshark --version | head -1')
    echo "$got"
    [ "$(echo "$got" | awk '{print $3}' | cut -d. -f1,2)" = "$ws" ] || {
        echo "the $release chroot ships Wireshark ${got:-none}, not $ws: the table in $0 is out of date" >&2
        return 1
    }
    plugindir=$(in_chroot "$root" pkg-config --variable=plugindir wireshark)
    libpkg=$(in_chroot "$root" /bin/sh -c 'dpkg -S "$(readlink -f "$(pkg-config --variable=libdir wireshark)/libwireshark.so")"' | cut -d: -f1)
    echo "plugin folder: $plugindir; libwireshark package: $libpkg"
    deb=$(package_file "$release")
    rm -f "$out/$deb"
    in_chroot "$root" /bin/sh -c "set -e; cd /src
        export CARGO_TARGET_DIR=/src/target/pkg-$release
        cargo build --release --lib --locked
        cargo deb --no-build --locked --variant $release --deb-version $crate_version+wireshark$ws --strip -o /src/target/packages/$deb"
    # What the package holds and needs, against the release.
    dpkg-deb --info "$out/$deb"
    dpkg-deb --contents "$out/$deb"
    dpkg-deb --contents "$out/$deb" | grep -q " \.$plugindir/epan/emcc\.so$" || {
        echo "$deb does not put the plugin at $plugindir/epan/emcc.so (Cargo.toml, variant $release)" >&2
        return 1
    }
    dpkg-deb --field "$out/$deb" Depends | tr ',' '\n' | grep -q "^ *$libpkg (" || {
        echo "$deb does not depend on $libpkg (Cargo.toml, variant $release)" >&2
        return 1
    }
    tmp=$(mktemp -d)
    dpkg-deb -x "$out/$deb" "$tmp"
    if grep -q EMCC_FAULT_INJECT "$tmp$plugindir/epan/emcc.so"; then
        rm -rf "$tmp"
        echo "$deb: the plugin holds the tests' fault-injection switch" >&2
        return 1
    fi
    file "$tmp$plugindir/epan/emcc.so" 2>/dev/null || true
    rm -rf "$tmp"
    echo "built $out/$deb"
}

summary=()
status=0
for release in "${releases[@]}"; do
    log=$logs/$release.log
    echo "=== $release (Wireshark $(wireshark_of "$release")) -> $log"
    start=$(now)
    if build_package "$release" >"$log" 2>&1; then
        result="ok: target/packages/$(package_file "$release") ($(stat -c %s "$out/$(package_file "$release")") bytes)"
    else
        result=FAILED
        status=1
        tail -n 30 "$log"
    fi
    line="$release: $result, $(($(now) - start))s"
    echo "$line"
    summary+=("$line")
done
echo
printf '%s\n' "${summary[@]}" | tee "$logs/summary.txt"
exit $status
