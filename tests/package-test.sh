#!/usr/bin/env bash
# The Debian packages on clean machines: each package tests/package.sh built
# is installed with apt on a fresh chroot of its own release, used as a
# normal user and as root, and removed.
#
#   tests/package-test.sh [RELEASE...]     (bookworm, noble, trixie, sid; default: all four)
#
# - The machine: a copy (PKGTEST.run, replaced by the next run) of a pristine
#   base of the release that is never modified: tests/fresh-machine.sh's
#   $EMCC_CHROOTS/fresh-RELEASE when it exists (bookworm, noble), else
#   $EMCC_CHROOTS/pkgtest-RELEASE, debootstrap's minimal base of the release
#   (main; noble also universe), built once and cached. Checked first: no
#   cc, gcc, cargo, rustc, no libwireshark-dev, no tshark.
# - `apt-get install -y ./wireshark-emcc_..._amd64.deb` (it must pull tshark),
#   then as the user `dev` (created when the base has none) and as root:
#   `tshark -G plugins` lists emcc.so from the global plugin folder; the
#   README's alarm command (tshark -n -r captures/emcc-lab-login.pcapng -Y
#   ciscoalarm.name ...; the command must be in the README) prints DeviceTLInfo
#   lines; `tshark -C EMCC -r ... -c 3` works (it copies the global profile into
#   the personal profiles folder, ~/.config/wireshark/profiles/EMCC, for
#   root too).
# - `apt-get remove -y wireshark-emcc`: every file `dpkg -L` listed is gone,
#   the plugin and /usr/share/wireshark/profiles/EMCC with them; tshark no
#   longer lists the plugin; the personal copies of the profile -C made are
#   left alone.
# - The refusal: the package of another release (the next one of the list
#   that target/packages/ holds) must be refused by apt, naming the
#   libwireshark package it needs.
# - Mirrors: as tests/versions.sh (tests/chroot.sh); apt in the chroot
#   accepts a frozen mirror's expired Release files (sid).
#
# Needs root (debootstrap, chroot, mount namespaces), debootstrap, and the
# packages in target/packages/ (tests/package.sh). Prints one summary line per
# release; logs go to target/package-logs/RELEASE-test.log. Exit status: 0
# when every requested release passed.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cache=${EMCC_CHROOTS:-/var/tmp/emcc-chroots}
logs=$repo/target/package-logs
pkgs=$repo/target/packages
user=dev
capture=captures/emcc-lab-login.pcapng
alarm_command="tshark -n -r $capture -Y ciscoalarm.name -T fields -e frame.number -e ip.dst -e ciscoalarm.name"
# shellcheck source=tests/chroot.sh
. "$repo/tests/chroot.sh"

releases=()
for arg in "$@"; do
    case $arg in
    -h | --help)
        sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
        exit 0
        ;;
    *)
        wireshark_of "$arg" >/dev/null || {
            echo "package-test.sh: unknown release $arg (known: ${package_releases[*]})" >&2
            exit 2
        }
        releases+=("$arg")
        ;;
    esac
done
[ ${#releases[@]} -gt 0 ] || releases=("${package_releases[@]}")
mkdir -p "$logs" "$cache"

now() { date +%s; }

# The package of a release in target/packages/ (empty when none).
package_of() {
    local f
    for f in "$pkgs"/wireshark-emcc_*+wireshark"$(wireshark_of "$1")"_amd64.deb; do
        [ -f "$f" ] && echo "$f"
    done | tail -1
}

# The pristine base of a release (created when needed); prints its path.
ensure_base() {
    local suite=$1 base
    if [ -f "$cache/fresh-$suite/.emcc-ready" ]; then
        echo "$cache/fresh-$suite"
        return
    fi
    base=$cache/pkgtest-$suite
    if [ ! -f "$base/.emcc-ready" ]; then
        bootstrap_suite "$suite" "$base.partial" --variant=minbase --components="$(suite_components "$suite")" >&2
        echo 'Acquire::Check-Valid-Until "false";' >"$base.partial/etc/apt/apt.conf.d/99emcc-mirror"
        rm -rf "$base.partial"/var/lib/apt/lists/*_Packages "$base.partial"/var/cache/apt/archives/*.deb
        rm -rf "$base"
        mv "$base.partial" "$base"
        touch "$base/.emcc-ready"
    fi
    echo "$base"
}

# Runs a command as root in the run chroot, in a clean environment.
as_root() {
    chroot_run "$run" -- /usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8 \
        DEBIAN_FRONTEND=noninteractive PATH=/usr/sbin:/usr/bin:/sbin:/bin /bin/bash -c "$1" </dev/null
}
# ... and as the user (login shell).
as_user() {
    chroot_run "$run" -- /usr/bin/env -i TERM=dumb LANG=C.UTF-8 PATH=/usr/sbin:/usr/bin:/sbin:/bin \
        /usr/sbin/runuser -l "$user" -c "$1" </dev/null
}

fail() {
    echo "FAILED: $*"
    return 1
}

# The checks of one user (as_user or as_root) with the package installed.
use_package() {
    local who=$1 as=$2 plugindir=$3 home out
    [ "$who" = root ] && home=/root || home=/home/$user
    echo "--- as $who: tshark -G plugins"
    out=$($as "tshark -G plugins" 2>&1) || fail "tshark -G plugins ($who)" || return 1
    echo "$out" | grep emcc || true
    echo "$out" | grep -qE "^emcc\.so[[:space:]].*[[:space:]]$plugindir/epan/emcc\.so$" ||
        fail "tshark -G plugins does not list $plugindir/epan/emcc.so ($who)" || return 1
    echo "--- as $who: $alarm_command"
    out=$($as "cd /srv/emcc && $alarm_command" 2>&1) || { echo "$out"; fail "the alarm command ($who)"; return 1; }
    echo "$out"
    echo "$out" | grep -qE '^[0-9]+[[:space:]]+[0-9.]+[[:space:]]+DeviceTLInfo$' ||
        fail "the alarm command printed no DeviceTLInfo line ($who)" || return 1
    echo "--- as $who: tshark -C EMCC -r $capture -c 3"
    out=$($as "cd /srv/emcc && tshark -C EMCC -n -r $capture -c 3" 2>&1) || { echo "$out"; fail "tshark -C EMCC ($who)"; return 1; }
    echo "$out"
    [ "$(echo "$out" | grep -c .)" -ge 3 ] || fail "tshark -C EMCC printed fewer than 3 lines ($who)" || return 1
    as_root "ls -l $home/.config/wireshark/profiles/EMCC" ||
        fail "tshark -C EMCC did not copy the profile into $home/.config/wireshark/profiles/EMCC ($who)" || return 1
}

test_release() {
    local release=$1 ws deb base plugindir other other_deb out
    ws=$(wireshark_of "$release")
    deb=$(package_of "$release")
    [ -n "$deb" ] || fail "no package for $release in $pkgs (tests/package.sh $release)" || return 1
    echo "package: $deb"
    grep -qF -- "$alarm_command" "$repo/README.md" || fail "README.md no longer has the alarm command: $alarm_command" || return 1
    base=$(ensure_base "$release")
    echo "base: $base"
    run=$cache/pkgtest-$release.run
    rm -rf "$run"
    cp -a "$base" "$run"
    rm -f "$run/.emcc-ready"
    # A clean machine: no compiler, no Rust, no headers, no tshark.
    as_root '! command -v cc && ! command -v gcc && ! command -v cargo && ! command -v rustc && ! command -v tshark' ||
        fail "the base has a compiler, Rust or tshark" || return 1
    as_root "! dpkg-query -W -f '\${db:Status-Status}\n' libwireshark-dev 2>/dev/null | grep -q '^installed'" ||
        fail "the base has libwireshark-dev" || return 1
    echo "clean: no cc, gcc, cargo, rustc, tshark, libwireshark-dev"
    as_root "id $user >/dev/null 2>&1 || useradd --create-home --shell /bin/bash $user"
    mkdir -p "$run/srv/emcc/captures"
    cp "$repo/$capture" "$run/srv/emcc/$capture"
    cp "$deb" "$run/tmp/"
    chmod -R a+rX "$run/srv/emcc" "$run/tmp/$(basename "$deb")"
    echo "--- apt-get install -y ./$(basename "$deb")"
    as_root "apt-get update -q && cd /tmp && apt-get install -y ./$(basename "$deb")" ||
        fail "apt-get install" || return 1
    as_root 'tshark --version | head -1'
    plugindir=$(as_root "dpkg -L wireshark-emcc" | sed -n 's|/epan/emcc\.so$||p')
    [ "$plugindir" = "/usr/lib/x86_64-linux-gnu/wireshark/plugins/$ws" ] ||
        fail "the plugin is installed under '$plugindir'" || return 1
    as_root "tshark -G folders" | grep -F "Global Plugins:" | grep -qF "$plugindir" ||
        fail "$plugindir is not tshark's global plugin folder" || return 1
    as_root "tshark -G folders" | grep -F "Global configuration:" | grep -qF "/usr/share/wireshark" ||
        fail "/usr/share/wireshark is not tshark's global configuration folder" || return 1
    as_root "dpkg -L wireshark-emcc" >"$run/tmp/wireshark-emcc.list"
    use_package "$user" as_user "$plugindir" || return 1
    use_package root as_root "$plugindir" || return 1
    echo "--- apt-get remove -y wireshark-emcc"
    as_root "apt-get remove -y wireshark-emcc" || fail "apt-get remove" || return 1
    # Every file the package had is gone; directories may stay when shared.
    out=$(as_root 'while read -r f; do [ -d "$f" ] || [ ! -e "$f" ] || echo "$f"; done </tmp/wireshark-emcc.list; [ ! -e /usr/share/wireshark/profiles/EMCC ] || echo /usr/share/wireshark/profiles/EMCC; [ ! -e '"$plugindir"'/epan/emcc.so ] || echo '"$plugindir"'/epan/emcc.so')
    [ -z "$out" ] || fail "left behind after apt-get remove: $out" || return 1
    as_root "dpkg-query -W -f '\${db:Status-Abbrev}\n' wireshark-emcc 2>/dev/null || true"
    ! as_user "tshark -G plugins" | grep -q emcc || fail "tshark still lists the plugin" || return 1
    as_root "ls /root/.config/wireshark/profiles/EMCC/preferences /home/$user/.config/wireshark/profiles/EMCC/preferences" ||
        fail "the personal profiles were removed" || return 1
    echo "removed: no file left; the personal profiles of root and $user kept"
    # Another release's package is refused.
    local i k r
    other=""
    for i in "${!package_releases[@]}"; do [ "${package_releases[$i]}" = "$release" ] && break; done
    for k in 1 2 3; do
        r=${package_releases[$(((i + k) % ${#package_releases[@]}))]}
        if [ -n "$(package_of "$r")" ]; then
            other=$r
            break
        fi
    done
    if [ -n "$other" ]; then
        other_deb=$(package_of "$other")
        cp "$other_deb" "$run/tmp/"
        chmod a+r "$run/tmp/$(basename "$other_deb")"
        echo "--- apt-get install -y ./$(basename "$other_deb") (the $other package, on $release)"
        if out=$(as_root "cd /tmp && apt-get install -y ./$(basename "$other_deb")" 2>&1); then
            echo "$out"
            fail "apt installed the $other package on $release"
            return 1
        fi
        echo "$out"
        local needed
        needed=$(dpkg-deb --field "$other_deb" Depends | tr ',' '\n' | awk '$1 ~ /^libwireshark/ {print $1; exit}')
        echo "$out" | grep -E "Depends: $needed .*(not installable|but it is not going to be installed)" ||
            fail "apt's refusal does not name $needed" || return 1
        refusal="refuses the $other package ($needed)"
    else
        refusal="no other release's package to refuse"
    fi
}

summary=()
status=0
for release in "${releases[@]}"; do
    log=$logs/$release-test.log
    echo "=== $release (Wireshark $(wireshark_of "$release")) -> $log"
    start=$(now)
    refusal=""
    if test_release "$release" >"$log" 2>&1; then
        result="ok (installed, used as $user and root, removed; $refusal)"
    else
        result="FAILED ($(grep -m1 '^FAILED: ' "$log" | sed 's/^FAILED: //' || true))"
        status=1
        tail -n 30 "$log"
    fi
    line="$release: $result, $(($(now) - start))s"
    echo "$line"
    summary+=("$line")
done
echo
printf '%s\n' "${summary[@]}" | tee "$logs/summary-test.txt"
exit $status
