//! Which program loaded the plugin, and whether it dissects frames without
//! taps before it shows them.
//!
//! The plugin reads other protocols from taps (`epan::inputs`), which
//! Wireshark runs only in dissections made with them. Two programs decide
//! what a frame shows in a dissection without taps:
//! - `tshark -2`: its first pass dissects every frame without taps
//!   (tshark.c, `process_packet_first_pass`: `epan_dissect_run`), and the
//!   second pass shows what the first learnt of later frames (a
//!   connection's handshake labelled by the login it belongs to, a transfer
//!   cut by the end of the capture);
//! - `sharkd`: its load pass dissects without taps (sharkd.c, `load_cap_file`).
//!
//! For them the plugin reads the protocol tree, as the preference
//! `emcc.read_protocol_tree` would make it. No API tells a plugin how tshark
//! was started, so the command line is read from `/proc/self/cmdline` and
//! scanned the way tshark's `getopt` does: short options may be bundled
//! (`-q2`), and those that take a value take the rest of the word or the
//! next word (`-Y -2` filters on "-2"; it asks for no second pass).
#![forbid(unsafe_code)]

use once_cell::sync::OnceCell;

/// Short options that take a value, in any of tshark 4.0 to 4.6
/// (tshark.c `OPTSTRING`, capture_opts.h `OPTSTRING_CAPTURE_COMMON`,
/// ui/dissect_opts.h `OPTSTRING_DISSECT_COMMON`; `tshark -h`).
const SHORT_WITH_VALUE: &[u8] = b"aAbBcCdeEfFGHijJKMNoOrRsStTuUwWXyYz";

/// True when the program that loaded us dissects frames without taps
/// before showing them (see the module's documentation).
pub fn dissects_without_taps() -> bool {
    static ANSWER: OnceCell<bool> = OnceCell::new();
    *ANSWER.get_or_init(|| {
        std::fs::read("/proc/self/cmdline")
            .map(|raw| {
                let words: Vec<&[u8]> = raw.split(|&b| b == 0).filter(|w| !w.is_empty()).collect();
                needs_tree(&words)
            })
            .unwrap_or(false)
    })
}

/// The decision for a command line (program first).
fn needs_tree(words: &[&[u8]]) -> bool {
    let Some((program, args)) = words.split_first() else {
        return false;
    };
    let name = program.rsplit(|&b| b == b'/').next().unwrap_or(program);
    match name {
        b"sharkd" => true,
        b"tshark" => asks_two_passes(args),
        _ => false,
    }
}

/// Whether tshark's arguments include `-2`.
fn asks_two_passes(args: &[&[u8]]) -> bool {
    let mut words = args.iter();
    while let Some(word) = words.next() {
        if *word == b"--" {
            return false;
        }
        if let Some(long) = word.strip_prefix(b"--") {
            // A long option's value is after `=` or is the next word; none
            // of tshark's values starts with a dash.
            if !long.contains(&b'=') {
                let mut peek = words.clone();
                if peek.next().is_some_and(|next| !next.starts_with(b"-")) {
                    words = peek;
                }
            }
            continue;
        }
        let Some(letters) = word.strip_prefix(b"-") else {
            // A capture filter given as plain words; nothing for us.
            continue;
        };
        for (i, letter) in letters.iter().enumerate() {
            if *letter == b'2' {
                return true;
            }
            if SHORT_WITH_VALUE.contains(letter) {
                if i + 1 == letters.len() {
                    words.next();
                }
                break;
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decide(line: &str) -> bool {
        let words: Vec<&[u8]> = line.split(' ').map(str::as_bytes).collect();
        needs_tree(&words)
    }

    #[test]
    fn two_passes_alone_bundled_or_late() {
        assert!(decide("tshark -2 -r x.pcapng"));
        assert!(decide("/usr/bin/tshark -r x.pcapng -q2 -z emccflow"));
        assert!(decide("tshark -nr x.pcapng -2"));
    }

    #[test]
    fn values_that_look_like_two_passes_are_values() {
        assert!(!decide("tshark -r x.pcapng -Y -2"));
        assert!(!decide("tshark -r -2"));
        assert!(!decide("tshark -o tcp.port:-2 -r x"));
        assert!(!decide("tshark -Y2 -r x"));
        assert!(!decide("tshark --disable-protocol sip -r x"));
    }

    #[test]
    fn long_options_take_their_value() {
        assert!(decide("tshark --disable-protocol sip -2 -r x"));
        assert!(decide("tshark --color -2 -r x"));
        assert!(!decide("tshark --export-objects http,-2 -r x"));
    }

    #[test]
    fn one_pass_and_other_programs() {
        assert!(!decide("tshark -r x.pcapng -V"));
        assert!(!decide("wireshark -r x.pcapng"));
        assert!(decide("sharkd -"));
        assert!(!decide("tshark -- -2"));
        assert!(!decide(""));
    }
}
