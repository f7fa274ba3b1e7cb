#!/usr/bin/env bash
# The GUI test: the real Wireshark (Qt, Debian's wireshark-qt) under Xvfb, with
# the plugin and the "EMCC" profile installed by emcc-install into a sandbox
# home, opens the lab capture and takes the README's screenshots:
#
#   packet-list.png     the packet list: EMCC columns filled, frames coloured by phase
#   packet-details.png  a TVS response with the ciscotvs and emccflow trees expanded
#   statistics.png      Statistics > EMCC Login Flow
#   statistics-alarms.png  Statistics > Cisco Phone Alarms
#   flow-graph.png      Statistics > Flow Graph, flow type EMCC Login Flow
#
#   tests/gui.sh [--debug] [--out DIR]
#       --out DIR   where the PNGs go (default target/gui; the README's
#                   screenshots: --out tests/gui/screenshots)
#       --debug     use the debug build (what `cargo test` built: no release
#                   build needed, which is how CI runs it)
#
# Fails when a tool is missing, when Wireshark writes a plugin, profile or
# preference complaint to its log, when an unexpected window (an error
# dialog) opens, when the packet list lacks the phase colours, when the
# Statistics dialog does not open, or when the Flow Graph does not draw the
# EMCC Login Flow in its colours. Needs: wireshark-qt xvfb xdotool
# imagemagick (apt). Run as root, Wireshark runs as user nobody (root's
# Wireshark ignores personal plugins). The window is 1920x1080, a full-HD
# screen (the profile's columns leave Info about 700 pixels of it); the test
# sets that size and the pane split, everything else is the installed profile.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
out=$repo/target/gui
build=release
while (($#)); do
    case $1 in
    --out) out=$(realpath -m "${2:?--out needs a folder}"); shift ;;
    --debug) build=debug ;;
    *) echo "usage: tests/gui.sh [--debug] [--out DIR]" >&2; exit 2 ;;
    esac
    shift
done

missing=()
for tool in wireshark Xvfb xdotool import convert cargo; do
    command -v "$tool" >/dev/null || missing+=("$tool")
done
if ((${#missing[@]})); then
    echo "gui.sh: missing ${missing[*]}; install with:" >&2
    echo "  sudo apt-get install -y --no-install-recommends wireshark-qt xvfb xdotool imagemagick" >&2
    exit 1
fi

started=$(date +%s)
step() { echo "gui.sh: [$(($(date +%s) - started))s] $*"; }
fail() {
    echo "gui.sh: FAILED: $*" >&2
    if [[ -s ${work:-}/wireshark.log ]]; then
        echo "--- Wireshark's log:" >&2
        cat "$work/wireshark.log" >&2
    fi
    exit 1
}

step "building the plugin and the installer ($build)"
if [[ $build == release ]]; then
    (cd "$repo" && cargo build --release --quiet)
else
    (cd "$repo" && cargo build --quiet)
fi

work=$(mktemp -d /tmp/emcc-gui.XXXXXX)
home=$work/home
xvfb_pid=
wireshark_pid=
cleanup() {
    if [[ -n $wireshark_pid ]]; then kill "$wireshark_pid" 2>/dev/null || true; fi
    if [[ -n $xvfb_pid ]]; then kill "$xvfb_pid" 2>/dev/null || true; fi
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

step "installing plugin and profile with emcc-install into a sandbox home"
install_log=$(env -u XDG_CONFIG_HOME -u WIRESHARK_CONFIG_DIR HOME="$home" \
    "$repo/target/$build/emcc-install" 2>&1) || fail "emcc-install: $install_log"
grep -q "installed the Wireshark profile EMCC" <<<"$install_log" ||
    fail "emcc-install did not install the profile: $install_log"
profile=$home/.config/wireshark/profiles/EMCC
cp "$repo/captures/emcc-lab-login.pcapng" "$work/"

# The test machine's screen: window size and place, and the pane split.
cat >"$home/.config/wireshark/recent_common" <<'EOF'
gui.geometry_main_x: 0
gui.geometry_main_y: 0
gui.geometry_main_width: 1920
gui.geometry_main_height: 1080
gui.geometry_main_maximized: FALSE
EOF
printf 'gui.geometry_main_upper_pane: 480\ngui.geometry_main_lower_pane: 1100\n' >>"$profile/recent"

run_as=()
mkdir -p "$work/runtime"
chmod 700 "$work/runtime"
if [[ $(id -u) == 0 ]]; then
    chmod -R a+rwX "$work"
    chown nobody "$work/runtime"
    chmod 700 "$work/runtime"
    run_as=(setpriv --reuid=65534 --regid=65534 --clear-groups --)
fi

# The plugin is where Wireshark looks for it, for the user it runs as
# (tshark reads the same folders; a plugin Wireshark skipped is not listed).
plugins=$("${run_as[@]}" env HOME="$home" tshark -G plugins 2>&1 || true)
grep -q '^emcc\.so' <<<"$plugins" || fail "tshark -G plugins does not list emcc.so: $plugins"

# A free X display.
display=
for n in $(seq 90 140); do
    if [[ ! -e /tmp/.X11-unix/X$n && ! -e /tmp/.X$n-lock ]]; then
        display=:$n
        break
    fi
done
[[ -n $display ]] || fail "no free X display between :90 and :140"
export DISPLAY=$display
step "starting Xvfb on $display"
Xvfb "$display" -screen 0 1920x1700x24 -nolisten tcp -ac >"$work/xvfb.log" 2>&1 &
xvfb_pid=$!
for _ in $(seq 150); do
    xdotool getdisplaygeometry >/dev/null 2>&1 && break
    kill -0 "$xvfb_pid" 2>/dev/null || break
    sleep 0.1
done
xdotool getdisplaygeometry >/dev/null 2>&1 || fail "Xvfb did not start: $(cat "$work/xvfb.log")"

step "starting Wireshark -C EMCC on the lab capture"
"${run_as[@]}" env -u XDG_CONFIG_HOME -u WIRESHARK_CONFIG_DIR -u WIRESHARK_PLUGIN_DIR \
    HOME="$home" DISPLAY="$display" TZ=UTC LC_ALL=C.UTF-8 XDG_RUNTIME_DIR="$work/runtime" \
    wireshark -C EMCC -r "$work/emcc-lab-login.pcapng" \
    >"$work/wireshark.log" 2>&1 &
wireshark_pid=$!
main=
for _ in $(seq 120); do
    main=$(xdotool search --name '^emcc-lab-login\.pcapng' 2>/dev/null | head -1 || true)
    [[ -n $main ]] && break
    kill -0 "$wireshark_pid" 2>/dev/null || fail "Wireshark exited at startup"
    sleep 0.5
done
[[ -n $main ]] || fail "Wireshark's window with the capture did not open within 60 s"
sleep 4 # the file is read and the list drawn after the window opens

# Wireshark reports plugin and profile trouble on its log (and in dialogs).
check_log() {
    local complaints
    complaints=$(grep -v -e '^nl80211 not found' "$work/wireshark.log" |
        grep -iE 'emcc|cisco|plugin|prefer|color|filter|profile|uat|panic|rust|error|warn|critical' || true)
    [[ -z $complaints ]] || fail "Wireshark complains ($1): $complaints"
    kill -0 "$wireshark_pid" 2>/dev/null || fail "Wireshark exited ($1)"
}
# Any window besides the main one (and Qt's helper windows) is a dialog:
# an error about a plugin, a profile file or a preference.
check_windows() {
    local names
    names=$(xdotool search --onlyvisible --name '.' getwindowname %@ 2>/dev/null |
        grep -v -e '^emcc-lab-login\.pcapng$' -e "^$1" || true)
    [[ -z $names ]] || fail "unexpected window open: $names"
}
check_log "after opening the capture"
check_windows '^$'

goto_frame() {
    xdotool windowfocus --sync "$main"
    xdotool key ctrl+g
    sleep 0.5
    xdotool type --delay 50 "$1"
    xdotool key Return
    sleep 1
}

mkdir -p "$out"
shot() { # window, file: a PNG with at most 256 colours (small, exact for a UI)
    import -window "$1" "$work/$2"
    convert "$work/$2" +dither -colors 256 "PNG8:$out/$2"
}

step "screenshot: packet list"
# Frame 195 goes to the bottom of the list: above it the completed login's
# green 200 OK (194) and phase 7.
goto_frame 195
shot "$main" packet-list.png
# Colours of the profile (src/profile/colorfilters) must be on screen: the
# phase 7 tint and the green row of the completed login.
histogram=$(convert "$work/packet-list.png" -format %c histogram:info:-)
for tint in E6D7F3 4E9A06; do
    pixels=$(grep -i "#$tint" <<<"$histogram" | awk '{s += $1} END {print s + 0}' || true)
    ((pixels > 2000)) || fail "packet list: colour #$tint of the profile missing ($pixels pixels)"
done

step "screenshot: packet details of frame 146 with our trees expanded"
goto_frame 146
# Focus the details tree with a click on one of its first rows (the lower
# pane starts at y=570), then expand our two trees from the keyboard: End
# selects the last top-level item (EMCC Login Flow), Up the one before it
# (Cisco Trust Verification Service); Shift+Right expands an item's subtrees.
# (Typed text would go to the display filter bar: Wireshark sends it there.)
xdotool mousemove --window "$main" 150 595 click 1
xdotool mousemove --window "$main" 1000 40
sleep 0.5
xdotool key End
sleep 0.3
xdotool key shift+Right
sleep 0.3
xdotool key Up
sleep 0.3
xdotool key shift+Right
sleep 0.3
sleep 1
shot "$main" packet-details.png
check_log "after expanding the details"

# Our entries sit at the bottom of Statistics in 4.0, sorted with the other
# plugin-style trees: Cisco Phone Alarms, Cisco Phone Registrations, EMCC
# Extension Mobility, EMCC Login Flow, F5, IPv4 Statistics, IPv6 Statistics.
# Up from the first item wraps.
open_statistics() { # ups from the top, window title, file
    xdotool windowfocus --sync "$main"
    xdotool key alt+s
    sleep 1
    for _ in $(seq "$1"); do xdotool key Up; done
    xdotool key Return
    local dialog
    dialog=$(timeout 30 xdotool search --sync --name "$2" | head -1) ||
        fail "Statistics > $2 did not open"
    xdotool windowsize "$dialog" 760 360
    sleep 3
    shot "$dialog" "$3"
    check_log "after Statistics > $2"
    check_windows "Wireshark . $2"
    xdotool windowfocus --sync "$dialog"
    xdotool key Escape
    sleep 1
}
step "screenshot: Statistics > EMCC Login Flow"
open_statistics 4 "EMCC Login Flow" statistics.png
step "screenshot: Statistics > Cisco Phone Alarms"
open_statistics 7 "Cisco Phone Alarms" statistics-alarms.png

# Statistics > Flow Graph is the 17th entry of the menu in 4.0 (16 Downs from
# the first: Capture File Properties, Resolved Addresses, Protocol Hierarchy,
# Conversations, Endpoints, Packet Lengths, I/O Graphs, Service Response
# Time, DHCP (BOOTP) Statistics, NetPerfMeter Statistics, ONC-RPC Programs,
# 29West, ANCP, BACnet, Collectd, DNS, Flow Graph); the dialog opens with
# "All Flows", and its Flow type list finds an entry by its first letters.
step "screenshot: Statistics > Flow Graph > EMCC Login Flow"
xdotool windowfocus --sync "$main"
xdotool key alt+s
sleep 1
for _ in $(seq 16); do xdotool key Down; done
xdotool key Return
flow=$(timeout 30 xdotool search --sync --name '^Wireshark [^ ]+ Flow [^ ]+ ' | head -1) ||
    fail "Statistics > Flow Graph did not open"
# Tall enough for the lab login's 56 arrows, phases 1 to 7 (the screen is
# taller than the main window for it).
xdotool windowsize "$flow" 1300 1660
sleep 3
# The Flow type list: bottom middle of the dialog (a click opens it).
xdotool mousemove --window "$flow" 685 1605 click 1
sleep 1
xdotool type --delay 80 "EMCC Login"
xdotool key Return
sleep 4
shot "$flow" flow-graph.png
check_log "after Statistics > Flow Graph"
check_windows "Wireshark [^ ]* Flow [^ ]* "
# Our rows' colours (src/epan/flow_graph.rs): the phone's pale tint
# (conversation 1), and the green of the completed login's 200 OK.
histogram=$(convert "$work/flow-graph.png" -format %c histogram:info:-)
for tint in E8F0FA 8FD18F; do
    pixels=$(grep -i "#$tint" <<<"$histogram" | awk '{s += $1} END {print s + 0}' || true)
    ((pixels > 500)) || fail "Flow Graph: colour #$tint of the EMCC Login Flow missing ($pixels pixels)"
done
xdotool windowfocus --sync "$flow"
xdotool key Escape
sleep 1

# The profile's column widths (src/profile/recent) must show every text of
# the lab capture whole: Qt cuts a longer text and ends it with "…". Wireshark
# measures the texts itself, with the font it draws them in: View > Resize
# Columns (Ctrl+Shift+R) sets each column to its widest text (over every
# row, not only those on screen: the capture has fewer rows than Qt's
# 1000-row limit) or its title, and Wireshark writes the widths into the
# profile's recent when it quits. No profile width may be smaller. The
# widest texts: "Visiting-cluster trust and config" (phase), "CiscoRemoteCC"
# (protocol), MAC addresses of ARP frames shown as numbers (source,
# destination), and in Info the REGISTER with its remotecc, alarm and EMCC
# suffixes.
step "checking the profile's column widths against the widest texts"
xdotool windowfocus --sync "$main"
xdotool key ctrl+shift+r
sleep 2
xdotool key ctrl+q
for _ in $(seq 100); do
    kill -0 "$wireshark_pid" 2>/dev/null || break
    sleep 0.2
done
kill -0 "$wireshark_pid" 2>/dev/null && fail "Wireshark did not quit on Ctrl+Q"
wireshark_pid=
column_widths() { # a recent file: "format<TAB>width" per column, in order
    awk '/^column\.width:/ { on = 1; sub(/^column\.width:/, ""); print; next }
         on && /^[ \t]/ { print; next }
         { on = 0 }' "$1" |
        tr -d '\n' | tr ',' '\n' | sed 's/^[[:space:]]*//; s/[[:space:]]*$//; s/"//g' |
        grep -v '^$' | paste - -
}
ours=$(column_widths "$repo/src/profile/recent")
needed=$(column_widths "$profile/recent")
[[ $(wc -l <<<"$ours") == "$(wc -l <<<"$needed")" && $(wc -l <<<"$ours") -ge 11 ]] ||
    fail "column widths: cannot compare the profile's ($ours) with Wireshark's ($needed)"
[[ $ours != "$needed" ]] || fail "View > Resize Columns (Ctrl+Shift+R) changed no column width"
too_narrow=$(paste <(echo "$ours") <(echo "$needed") | awk -F'\t' '
    $2 < $4 { printf "  %s: %d px in src/profile/recent, its widest text needs %d px\n", $1, $2, $4 }
    { printf "  %-24s %4d px, needs %4d px\n", $1, $2, $4 > "/dev/stderr" }')
[[ -z $too_narrow ]] || fail "columns too narrow, Wireshark cuts their text with …:
$too_narrow"

ls -l "$out"/*.png
step "passed: screenshots in $out"
