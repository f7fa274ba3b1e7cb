# Shared by tests/versions.sh, tests/fresh-machine.sh and tests/package.sh
# (sourced, not run): which mirror to use for a distribution suite, debootstrap
# of a suite, running a command in a chroot with bind mounts in a private mount
# namespace, and the cached build chroots (tshark, libwireshark-dev, clang) of
# versions.sh and package.sh.
#
# Mirrors: no host is named here. For a suite of distribution D (debian or
# ubuntu) the mirror is, in this order:
#   1. $EMCC_DEBIAN_MIRROR or $EMCC_UBUNTU_MIRROR (security updates:
#      $EMCC_DEBIAN_SECURITY_MIRROR, $EMCC_UBUNTU_SECURITY_MIRROR);
#   2. the first `deb` source of D in this machine's apt configuration
#      (/etc/apt/sources.list and /etc/apt/sources.list.d/*.list, one-line
#      format, and *.sources, deb822 format);
#   3. debootstrap's own default for the suite: debootstrap is given no
#      mirror and chooses; where a URL is needed (apt downloads), it is read
#      from debootstrap's script for the suite.
#
# Needs: $cache (a folder for cached chroots and keyrings); for in_chroot and
# ensure_build_chroot also $repo (the repository), $rustup_home and
# $cargo_home (this machine's rust toolchain).

# The releases packages are made for (tests/package.sh, tests/package-test.sh),
# and the Wireshark major.minor each ships.
package_releases=(bookworm noble trixie sid)
wireshark_of() {
    case $1 in
    bookworm) echo 4.0 ;;
    noble) echo 4.2 ;;
    trixie) echo 4.4 ;;
    sid) echo 4.6 ;;
    *) return 1 ;;
    esac
}

chroot_apt_dir=${EMCC_APT_ETC:-/etc/apt}
debootstrap_scripts=${DEBOOTSTRAP_DIR:-/usr/share/debootstrap}/scripts

# "URI SUITE" for every enabled `deb` entry of this machine's apt sources.
apt_source_entries() {
    local f
    for f in "$chroot_apt_dir"/sources.list "$chroot_apt_dir"/sources.list.d/*.list; do
        [ -f "$f" ] || continue
        awk '$1 == "deb" {
                sub(/^[ \t]*deb[ \t]+/, "")
                if ($0 ~ /^\[/) sub(/^\[[^]]*\][ \t]*/, "")
                print $1, $2
            }' "$f"
    done
    for f in "$chroot_apt_dir"/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        awk '
            function flush(   n, m, i, j, U, S) {
                if (types ~ /(^|[ \t])deb([ \t]|$)/ && enabled != "no") {
                    n = split(uris, U, /[ \t]+/); m = split(suites, S, /[ \t]+/)
                    for (i = 1; i <= n; i++) for (j = 1; j <= m; j++)
                        if (U[i] != "" && S[j] != "") print U[i], S[j]
                }
                types = uris = suites = enabled = ""
            }
            /^[ \t]*#/ { next }
            /^[ \t]*$/ { flush(); next }
            /^[ \t]/ { next }
            {
                key = tolower($1); sub(/:.*/, "", key)
                value = $0; sub(/^[^:]*:[ \t]*/, "", value); sub(/[ \t]+$/, "", value)
                if (key == "types") types = value
                else if (key == "uris") uris = value
                else if (key == "suites") suites = value
                else if (key == "enabled") enabled = tolower(value)
            }
            END { flush() }
        ' "$f"
    done
}

# debian or ubuntu, for a suite (noble, bookworm-security, ...): from
# debootstrap's script for it (Ubuntu's are all the gutsy script); a suite
# debootstrap does not know is Ubuntu when its URI (second argument) says so.
distro_of_suite() {
    local base=${1%%-*} uri=${2:-} target
    case $base in
    noble) echo ubuntu; return ;;
    bookworm | trixie | sid) echo debian; return ;;
    esac
    if [ -e "$debootstrap_scripts/$base" ]; then
        target=$(basename "$(readlink -f "$debootstrap_scripts/$base")")
        [ "$target" = gutsy ] && echo ubuntu || echo debian
    else
        case $uri in *ubuntu*) echo ubuntu ;; *) echo debian ;; esac
    fi
}

# The configured mirror for a distribution (debian, ubuntu) or its security
# archive (debian-security, ubuntu-security); empty when neither overridden
# nor in this machine's apt sources.
configured_mirror() {
    local what=$1 override uri suite
    case $what in
    debian) override=${EMCC_DEBIAN_MIRROR:-} ;;
    ubuntu) override=${EMCC_UBUNTU_MIRROR:-} ;;
    debian-security) override=${EMCC_DEBIAN_SECURITY_MIRROR:-} ;;
    ubuntu-security) override=${EMCC_UBUNTU_SECURITY_MIRROR:-} ;;
    esac
    if [ -n "$override" ]; then
        echo "${override%/}"
        return
    fi
    while read -r uri suite; do
        case $what in
        *-security) [[ $suite == *-security ]] || continue ;;
        *) [[ $suite != *-security ]] || continue ;;
        esac
        [ "$(distro_of_suite "$suite" "$uri")" = "${what%-security}" ] || continue
        echo "${uri%/}"
        return
    done < <(apt_source_entries)
}

# debootstrap's script for a suite (Ubuntu suites it does not know yet use
# the gutsy script, as every Ubuntu suite does).
debootstrap_script_of() {
    local suite=$1
    if [ -e "$debootstrap_scripts/$suite" ]; then
        echo "$debootstrap_scripts/$suite"
    elif [ "$(distro_of_suite "$suite")" = ubuntu ]; then
        echo "$debootstrap_scripts/gutsy"
    else
        echo "$debootstrap_scripts/sid"
    fi
}

# The mirror debootstrap would choose for a suite when given none: the
# script's default_mirror for this architecture (debootstrap's built-in
# default when the script sets none).
debootstrap_default_mirror() {
    local suite=$1 script
    script=$(debootstrap_script_of "$suite")
    (
        ARCH=$(dpkg --print-architecture) SUITE=$suite
        exec 3>&1
        default_mirror() { echo "$1" >&3; exit 0; }
        command_not_found_handle() { return 0; }
        # shellcheck disable=SC1090
        . "$script" >/dev/null 2>&1 </dev/null
        exit 1
    ) && return
    command -v debootstrap >/dev/null || return 0
    sed -n 's/^DEF_MIRROR="\(.*\)"$/\1/p' "$(command -v debootstrap)" | head -1
}

# The mirror for a suite: configured, else debootstrap's default.
mirror_of_suite() {
    local m
    m=$(configured_mirror "$(distro_of_suite "$1")")
    [ -n "$m" ] && echo "$m" || debootstrap_default_mirror "$1"
}

# apt options for a private apt state in folder $1 whose sources are in
# $1/sources.list; sets the array apt_private.
private_apt() {
    local dir=$1
    mkdir -p "$dir/apt/lists/partial" "$dir/apt/archives/partial"
    [ -f "$dir/status" ] || : >"$dir/status"
    apt_private=(-o Dir::Etc::SourceList="$dir/sources.list" -o Dir::Etc::SourceParts=/dev/null
        -o Dir::State::Lists="$dir/apt/lists" -o Dir::State::status="$dir/status"
        -o Dir::Cache="$dir/apt" -o APT::Architecture="$(dpkg --print-architecture)"
        -o Debug::NoLocking=1 -o Acquire::Check-Valid-Until=false -o APT::Sandbox::User=root)
}

# The keyring that signs Ubuntu's archive: Debian packages it (ubuntu-keyring,
# trixie and later); downloaded once with a private apt state from Debian's
# trixie, then kept in the cache.
ubuntu_keyring() {
    local keyring=$cache/ubuntu-archive-keyring.gpg dir=$cache/ubuntu-keyring
    if [ ! -s "$keyring" ]; then
        rm -rf "$dir"
        mkdir -p "$dir/debs" "$dir/root"
        echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $(mirror_of_suite trixie) trixie main" \
            >"$dir/sources.list"
        private_apt "$dir"
        apt-get "${apt_private[@]}" update >&2
        (cd "$dir/debs" && apt-get "${apt_private[@]}" download ubuntu-keyring >&2)
        dpkg -x "$dir"/debs/ubuntu-keyring_*.deb "$dir/root"
        cp "$dir/root/usr/share/keyrings/ubuntu-archive-keyring.gpg" "$keyring"
        rm -rf "$dir"
    fi
    echo "$keyring"
}

# Runs debootstrap for a suite into TARGET (created; any old copy removed)
# with the mirror chosen as above and the extra debootstrap options given.
#   bootstrap_suite SUITE TARGET [DEBOOTSTRAP OPTION...]
bootstrap_suite() {
    local suite=$1 target=$2 distro mirror extra=()
    shift 2
    command -v debootstrap >/dev/null || {
        echo "debootstrap is needed (apt-get install debootstrap)" >&2
        return 1
    }
    distro=$(distro_of_suite "$suite")
    mirror=$(configured_mirror "$distro")
    # Debian's debootstrap may not know the Ubuntu suite nor have its keyring.
    [ "$distro" = ubuntu ] && extra=(--keyring="$(ubuntu_keyring)")
    rm -rf "$target"
    local shown=$mirror
    [ -n "$shown" ] || shown="none given, debootstrap chooses $(debootstrap_default_mirror "$suite")"
    echo "debootstrap $suite -> $target (mirror: $shown)"
    # An empty mirror argument: debootstrap uses the script's default.
    debootstrap "${extra[@]}" "$@" "$suite" "$target" "$mirror" "$(debootstrap_script_of "$suite")"
    cp /etc/resolv.conf "$target/etc/resolv.conf"
}

# The first mirror URI a chroot's apt uses (what debootstrap chose).
chroot_mirror() {
    awk '$1 == "deb" { print $2; exit }' "$1/etc/apt/sources.list"
}

# Runs a command in a chroot, with /proc, /sys and /dev mounted and the bind
# mounts given, in a private mount namespace so that every mount vanishes
# with the command. A bind is SOURCE=TARGET (TARGET inside the chroot,
# created when missing) or SOURCE=TARGET=ro for a read-only one.
#   chroot_run ROOT [BIND...] -- COMMAND...
chroot_run() {
    local root=$1 binds=() bind dst
    shift
    while [ $# -gt 0 ] && [ "$1" != -- ]; do
        binds+=("$1")
        shift
    done
    shift
    for bind in "${binds[@]}"; do
        dst=${bind#*=}
        dst=${dst%=ro}
        mkdir -p "$root$dst"
    done
    unshare --mount --propagation private -- /bin/bash -c '
        set -e
        root=$1 n=$2; shift 2
        mount -t proc proc "$root/proc"
        mount --rbind /sys "$root/sys"
        mount --rbind /dev "$root/dev"
        while [ "$n" -gt 0 ]; do
            src=${1%%=*}; rest=${1#*=}; dst=${rest%=ro}
            mount --bind "$src" "$root$dst"
            [ "$rest" = "$dst" ] || mount -o remount,bind,ro "$root$dst"
            n=$((n - 1)); shift
        done
        exec chroot "$root" "$@"
    ' sh "$root" "${#binds[@]}" "${binds[@]}" "$@"
}

# The archive components a build chroot of a suite needs (noble ships
# Wireshark in universe).
suite_components() { [ "$1" = noble ] && echo main,universe || echo main; }

# What a build chroot holds besides debootstrap's minimal base.
# jq: the README's batch recipe, which tests/emccflow_json.rs runs.
build_chroot_packages=(tshark libwireshark-dev libglib2.0-dev libclang-dev clang pkg-config ca-certificates jq)

# Runs a command in a chroot with the repository (/src) and the rust
# toolchain (/opt/rustup, /opt/cargo) mounted (chroot_run), in a clean
# environment.
in_chroot() {
    local root=$1
    shift
    chroot_run "$root" "$repo=/src" "$rustup_home=/opt/rustup" "$cargo_home=/opt/cargo" -- \
        /usr/bin/env -i \
        HOME=/root TERM=dumb LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive \
        RUSTUP_HOME=/opt/rustup CARGO_HOME=/opt/cargo \
        PATH=/opt/cargo/bin:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin \
        "$@"
}

# The build chroot of a suite, $cache/SUITE: debootstrap's minimal base with
# build_chroot_packages, created once (marked ready by .emcc-ready).
ensure_build_chroot() {
    local suite=$1 root=$cache/$1
    if [ -f "$root/.emcc-ready" ]; then
        # A package added to the list since the chroot was made.
        in_chroot "$root" dpkg -s "${build_chroot_packages[@]}" >/dev/null 2>&1 ||
            in_chroot "$root" apt-get install -y --no-install-recommends "${build_chroot_packages[@]}"
        return 0
    fi
    echo "creating the $suite chroot in $root (once)"
    bootstrap_suite "$suite" "$root.partial" --variant=minbase --components="$(suite_components "$suite")"
    # This machine's Debian mirror may serve sid's index after its Valid-Until
    # date (a frozen copy); apt refuses that unless told otherwise.
    echo 'Acquire::Check-Valid-Until "false";' >"$root.partial/etc/apt/apt.conf.d/99emcc-mirror"
    in_chroot "$root.partial" apt-get update
    in_chroot "$root.partial" apt-get install -y --no-install-recommends "${build_chroot_packages[@]}"
    mv "$root.partial" "$root"
    touch "$root/.emcc-ready"
}
