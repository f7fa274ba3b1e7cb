#!/usr/bin/env bash
# The README's "Two commands" on fresh machines: for each release, a new
# machine of that distribution, a normal user, and the README's commands 1 and
# 2 run exactly as the README shows them.
#
#   tests/fresh-machine.sh [--setup-only] [RELEASE...]   (bookworm, noble; default: both)
#
# --setup-only: command 1 only. CI uses it: CI runs command 2 itself on its
# own fresh Debian 12 machine just before, so running it again here would
# repeat the whole test suite.
#
# - The machine: a debootstrap chroot of Debian 12 (bookworm) or Ubuntu 24.04
#   (noble), what debootstrap installs by default (required and important
#   packages) plus sudo, git and ca-certificates (which rustup's installer
#   needs), with the apt sources a fresh install writes (Debian: main, with
#   -updates and -security; Ubuntu: main restricted universe multiverse, with
#   -updates, -backports and -security) and nothing else: no compiler, no
#   tshark, no headers. Built once per release and cached in
#   $EMCC_CHROOTS/fresh-RELEASE (default /var/tmp/emcc-chroots); every run
#   works on a new copy of it (RELEASE.run, replaced by the next run), so
#   nothing leaks from one run into the next.
# - The user: `dev`, sudo without password; this machine's rustup toolchain
#   set up for dev the way rustup's installer does: ~/.rustup (this machine's
#   $RUSTUP_HOME, bind-mounted read-only), ~/.cargo/bin with the rustup
#   proxies, ~/.cargo/env sourced from ~/.profile and ~/.bashrc.
# - The repository: `git clone` of this repository's HEAD commit (not the
#   uncommitted changes) into ~dev/emcc-dissector.
# - As dev (a login shell), in the clone, with no standard input (a question
#   from apt fails the run): command 1 (`tests/readme-command setup`, read from
#   the clone's README.md), which must succeed and print at least one
#   DeviceTLInfo line, and the release plugin it built must not contain the
#   tests' fault-injection switch; then command 2 (`tests/readme-command test`), which must
#   succeed with at least one "test result" line and 0 failed.
# - Mirrors (none is named by this script): $EMCC_DEBIAN_MIRROR,
#   $EMCC_UBUNTU_MIRROR (and $EMCC_DEBIAN_SECURITY_MIRROR,
#   $EMCC_UBUNTU_SECURITY_MIRROR) when set; else the first Debian or Ubuntu
#   source of this machine's apt configuration (/etc/apt/sources.list,
#   sources.list.d/*.list and *.sources); else debootstrap's own default for
#   the suite. This machine's network setup is the chroot's: its
#   /etc/resolv.conf, its apt settings Acquire::Check-Valid-Until,
#   Acquire::Check-Date and Acquire::http::Proxy, and its own certificate
#   authorities (/usr/local/share/ca-certificates, e.g. an HTTPS proxy's) are
#   copied in.
#
# Needs root (debootstrap, chroot, mount namespaces), debootstrap, git, and
# rustup. Prints one summary line per release with the seconds each phase
# took; logs go to target/fresh/RELEASE-{debootstrap,setup,test}.log.
# Exit status: 0 when every requested release passed.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cache=${EMCC_CHROOTS:-/var/tmp/emcc-chroots}
logs=$repo/target/fresh
user=dev
# shellcheck source=tests/chroot.sh
. "$repo/tests/chroot.sh"

releases=()
setup_only=0
for arg in "$@"; do
    case $arg in
    --setup-only) setup_only=1 ;;
    -h | --help)
        sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
        exit 0
        ;;
    bookworm | noble) releases+=("$arg") ;;
    *)
        echo "fresh-machine.sh: unknown release $arg (known: bookworm noble)" >&2
        exit 2
        ;;
    esac
done
[ ${#releases[@]} -gt 0 ] || releases=(bookworm noble)

rustup_home=${RUSTUP_HOME:-$HOME/.rustup}
cargo_home=${CARGO_HOME:-$HOME/.cargo}
[ -x "$cargo_home/bin/rustup" ] || {
    echo "fresh-machine.sh: needs rustup ($cargo_home/bin/rustup)" >&2
    exit 1
}
head=$(git -C "$repo" rev-parse HEAD)
mkdir -p "$logs" "$cache"

now() { date +%s; }

# The apt sources a fresh install of the release writes.
write_sources() {
    local root=$1 suite=$2 mirror security
    mirror=$(chroot_mirror "$root")
    rm -f "$root/etc/apt/sources.list"
    case $(distro_of_suite "$suite") in
    debian)
        security=$(configured_mirror debian-security)
        {
            echo "deb $mirror $suite main"
            echo "deb $mirror $suite-updates main"
            [ -z "$security" ] || echo "deb $security $suite-security main"
        } >"$root/etc/apt/sources.list"
        ;;
    ubuntu)
        security=$(configured_mirror ubuntu-security)
        cat >"$root/etc/apt/sources.list.d/ubuntu.sources" <<EOF
Types: deb
URIs: $mirror
Suites: $suite $suite-updates $suite-backports
Components: main restricted universe multiverse
Signed-By: /usr/share/keyrings/ubuntu-archive-keyring.gpg

Types: deb
URIs: ${security:-$mirror}
Suites: $suite-security
Components: main restricted universe multiverse
Signed-By: /usr/share/keyrings/ubuntu-archive-keyring.gpg
EOF
        ;;
    esac
}

# This machine's settings for reaching its mirrors (a frozen mirror's
# expired Release files, a proxy), so the chroot's apt reaches them too.
write_apt_host_settings() {
    local root=$1 key value out=
    for key in Acquire::Check-Valid-Until Acquire::Check-Date Acquire::http::Proxy; do
        value=$(apt-config dump "$key" | awk -v k="$key" '$1 == k { v = $2; gsub(/[";]/, "", v); print v }')
        [ -z "$value" ] || out+="$key \"$value\";"$'\n'
    done
    [ -z "$out" ] || printf '%s' "$out" >"$root/etc/apt/apt.conf.d/99emcc-host-mirror"
}

# The cached base machine of a release.
ensure_base() {
    local suite=$1 base=$cache/fresh-$1
    [ -f "$base/.emcc-ready" ] && return 0
    bootstrap_suite "$suite" "$base.partial" --include=sudo,git,ca-certificates
    write_sources "$base.partial" "$suite"
    write_apt_host_settings "$base.partial"
    rm -rf "$base.partial"/var/lib/apt/lists/*_Packages "$base.partial"/var/cache/apt/archives/*.deb
    chroot_run "$base.partial" -- /usr/sbin/useradd --create-home --shell /bin/bash "$user"
    echo "$user ALL=(ALL) NOPASSWD: ALL" >"$base.partial/etc/sudoers.d/$user"
    chmod 0440 "$base.partial/etc/sudoers.d/$user"
    rm -rf "$base"
    mv "$base.partial" "$base"
    touch "$base/.emcc-ready"
}

# A new copy of the base, with the toolchain and the clone for the user.
prepare_run() {
    local suite=$1 run=$cache/fresh-$1.run home
    rm -rf "$run"
    cp -a "$cache/fresh-$suite" "$run"
    rm -f "$run/.emcc-ready"
    home=$run/home/$user
    # The hostname in /etc/hosts, as an installer writes it (sudo asks).
    printf '127.0.1.1\t%s\n' "$(hostname)" >>"$run/etc/hosts"
    # This machine's own certificate authorities (an HTTPS proxy's, for
    # crates.io), as its network is this chroot's.
    if compgen -G '/usr/local/share/ca-certificates/*.crt' >/dev/null; then
        cp /usr/local/share/ca-certificates/*.crt "$run/usr/local/share/ca-certificates/"
        chroot_run "$run" -- /usr/sbin/update-ca-certificates
    fi
    # rustup's layout: ~/.rustup (mounted read-only when run), ~/.cargo/bin
    # with rustup and its proxies (links to it; not whatever else `cargo
    # install` put beside them here), ~/.cargo/env sourced by the login shell.
    mkdir -p "$home/.rustup" "$home/.cargo/bin"
    cp "$cargo_home/bin/rustup" "$home/.cargo/bin/rustup"
    local proxy
    for proxy in "$cargo_home"/bin/*; do
        [ "${proxy##*/}" != rustup ] && [ "$proxy" -ef "$cargo_home/bin/rustup" ] &&
            ln -s rustup "$home/.cargo/bin/${proxy##*/}"
    done
    # shellcheck disable=SC2016
    printf '%s\n' '#!/bin/sh' '# rustup shell setup' 'case ":${PATH}:" in' \
        '    *:"$HOME/.cargo/bin":*) ;;' '    *) export PATH="$HOME/.cargo/bin:$PATH" ;;' 'esac' \
        >"$home/.cargo/env"
    # shellcheck disable=SC2016
    printf '\n. "$HOME/.cargo/env"\n' | tee -a "$home/.profile" >>"$home/.bashrc"
    git clone --quiet --no-checkout "$repo" "$home/emcc-dissector"
    git -C "$home/emcc-dissector" -c advice.detachedHead=false checkout --quiet "$head"
    chroot_run "$run" -- /bin/chown -R "$user:$user" "/home/$user"
}

# Runs a shell command as the user (login shell) in the clone, no stdin.
as_user() {
    local suite=$1
    shift
    chroot_run "$cache/fresh-$suite.run" "$rustup_home=/home/$user/.rustup=ro" -- \
        /usr/bin/env -i TERM=dumb LANG=C.UTF-8 PATH=/usr/sbin:/usr/bin:/sbin:/bin \
        /usr/sbin/runuser -l "$user" -c "cd ~/emcc-dissector && $*" </dev/null
}

# The README's command NAME, read from the clone's README, run by bash.
readme_command() {
    # shellcheck disable=SC2016
    as_user "$1" 'cmd=$(tests/readme-command '"$2"' README.md) && printf "+ %s\n" "$cmd" && exec bash -c "$cmd"'
}

summary=()
status=0
for suite in "${releases[@]}"; do
    echo "=== $suite -> $logs/$suite-*.log"
    result=ok times=()
    start=$(now)
    if [ -f "$cache/fresh-$suite/.emcc-ready" ]; then
        echo "(base chroot cached in $cache/fresh-$suite)" >"$logs/$suite-debootstrap.log"
        times+=("debootstrap cached")
    elif ensure_base "$suite" >"$logs/$suite-debootstrap.log" 2>&1; then
        times+=("debootstrap $(($(now) - start))s")
    else
        result="FAILED (debootstrap)"
        tail -n 30 "$logs/$suite-debootstrap.log"
    fi
    if [ "$result" = ok ]; then
        start=$(now)
        if ! prepare_run "$suite" >>"$logs/$suite-debootstrap.log" 2>&1; then
            result="FAILED (copy, user, clone)"
            tail -n 30 "$logs/$suite-debootstrap.log"
        fi
        times+=("copy $(($(now) - start))s")
    fi
    if [ "$result" = ok ]; then
        start=$(now)
        if ! readme_command "$suite" setup >"$logs/$suite-setup.log" 2>&1; then
            result="FAILED (command 1)"
        elif ! grep -qE '^[0-9]+[[:space:]]+[0-9.]+[[:space:]]+DeviceTLInfo$' "$logs/$suite-setup.log"; then
            result="FAILED (command 1 printed no DeviceTLInfo line)"
        elif grep -q EMCC_FAULT_INJECT "$cache/fresh-$suite.run/home/$user/emcc-dissector/target/release/libemcc.so"; then
            # What users build must not carry the tests' fault injection.
            result="FAILED (the release plugin holds the fault-injection switch)"
        fi
        times+=("command 1 $(($(now) - start))s")
        [ "$result" = ok ] || tail -n 30 "$logs/$suite-setup.log"
    fi
    counts=""
    if [ "$result" = ok ] && [ $setup_only = 1 ]; then
        counts="; command 2 not run (--setup-only)"
    elif [ "$result" = ok ]; then
        start=$(now)
        readme_command "$suite" test >"$logs/$suite-test.log" 2>&1 || result="FAILED (command 2)"
        times+=("command 2 $(($(now) - start))s")
        counts=$(awk '/^test result:/ {n++; p += $4; f += $6} END {if (n) printf "%d passed, %d failed", p, f}' "$logs/$suite-test.log")
        if [ -z "$counts" ]; then
            [ "$result" != ok ] || result="FAILED (command 2 ran no test)"
        elif [[ $counts != *", 0 failed" ]]; then
            [ "$result" != ok ] || result="FAILED (command 2: tests failed)"
        fi
        [ "$result" = ok ] || tail -n 30 "$logs/$suite-test.log"
        counts="; $counts"
    fi
    [ "$result" = ok ] || status=1
    joined=$(printf '%s; ' "${times[@]}")
    line="$suite: $result (${joined%; }$counts)"
    echo "$line"
    summary+=("$line")
done
echo
printf '%s\n' "${summary[@]}" | tee "$logs/summary.txt"
exit $status
