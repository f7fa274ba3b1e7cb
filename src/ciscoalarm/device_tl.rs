//! DeviceTLInfo: which trust lists (CTL, ITL) the phone has installed and
//! where they came from. Also remembers, per device, the ITL last reported.

use super::fields::*;
use super::parse::{self, Alarm, Param};
use super::signature::{decode_hex_signature, HexErrorKind};
use super::trust_memory::{TrustMemory, TrustReport};
use super::{value_part_range, value_range};
use crate::epan::{Packet, Tree};
use crate::state::State;

/// The parameters a DeviceTLInfo alarm carries (domain facts); others are
/// shown too, with a note.
pub const KNOWN_PARAMS: &[&str] = &[
    "DeviceName",
    "IPv4Address",
    "IPv6Address",
    "CTL_Signature",
    "CTL_TFTP_Server",
    "ITL_Signature",
    "ITL_TFTP_Server",
    "StatusCode",
];

static TRUST: State<TrustMemory> = State::new(TrustMemory::default);

fn trust() -> std::sync::MutexGuard<'static, TrustMemory> {
    TRUST.lock()
}

pub fn forget_devices() {
    trust().clear();
}

/// Adds the DeviceTLInfo fields; returns the Info detail ("ITL from X").
/// `well_formed`: the document had no problems, so its report may be
/// remembered for the ITL change note.
pub fn decode<'d>(
    packet: &mut Packet<'d>,
    tree: Tree<'d>,
    alarm: &Alarm,
    well_formed: bool,
) -> Option<String> {
    let itl = alarm.param("ITL_Signature");
    let ctl = alarm.param("CTL_Signature");
    if let Some(p) = ctl {
        add_signature(packet, tree, &TL_CTL_SIGNATURE, p);
    }
    if let Some(p) = alarm.param("CTL_TFTP_Server") {
        packet.add_string(tree, &TL_CTL_TFTP_SERVER, value_range(p), p.trimmed_value());
    }
    if let Some(p) = itl {
        add_signature(packet, tree, &TL_ITL_SIGNATURE, p);
    }
    let itl_server = alarm.param("ITL_TFTP_Server");
    if let Some(p) = itl_server {
        packet.add_string(tree, &TL_ITL_TFTP_SERVER, value_range(p), p.trimmed_value());
    }
    // An empty value is shown as sent (empty), not as an error: real firmware sends
    // empty Enums (the CP-7961G alarm in FreeSWITCH's mod_skinny test-skinny.pl).
    if let Some(p) = alarm
        .param("StatusCode")
        .filter(|p| !p.trimmed_value().is_empty())
    {
        match p.trimmed_value().parse::<u32>() {
            Ok(code) => {
                packet.add_uint(tree, &TL_STATUS_CODE, value_range(p), code);
            }
            Err(_) => {
                let message = format!("StatusCode {:?} is not a number", p.trimmed_value());
                packet.expert_at(tree, &BAD_VALUE, value_range(p), &message);
            }
        }
    }
    // A report counts only when it is whole: a well-formed document whose
    // ITL signature decodes and names its server.
    let whole = well_formed && itl.is_some_and(|p| decode_hex_signature(p.trimmed_value()).is_ok());
    if let (true, Some(device), Some(itl), Some(server)) =
        (whole, alarm.param("DeviceName"), itl, itl_server)
    {
        note_itl_change(packet, tree, device, itl, server.trimmed_value());
    }
    itl_server.map(|p| format!("ITL from {}", p.trimmed_value()))
}

/// A signature is hex text ("3E 91 A3 ..."), or "Not Installed": then no
/// field, as there are no bytes.
fn add_signature<'d>(
    packet: &mut Packet<'d>,
    tree: Tree<'d>,
    field: &crate::epan::Field,
    p: &Param,
) {
    match decode_hex_signature(p.trimmed_value()) {
        Ok(Some(bytes)) => {
            packet.add_bytes(tree, field, value_range(p), &bytes);
        }
        Ok(None) => {}
        Err(error) => {
            let what = match error.kind {
                HexErrorKind::BadChar(c) => format!("character {c:?} is not a hex digit"),
                HexErrorKind::OddDigit => "a hex digit lacks its pair".to_string(),
                HexErrorKind::Empty => "the value is empty".to_string(),
            };
            let message = format!("{} is not a hex signature: {what}", p.name);
            let at = value_part_range(p, parse::Span::new(error.index, 1));
            packet.expert_at(tree, &BAD_VALUE, at, &message);
        }
    }
}

fn note_itl_change<'d>(
    packet: &mut Packet<'d>,
    tree: Tree<'d>,
    device: &Param,
    itl: &Param,
    server: &str,
) {
    let device = device.trimmed_value();
    let report = TrustReport {
        frame: packet.frame_number(),
        itl_signature: itl.trimmed_value().to_string(),
        itl_server: server.to_string(),
    };
    let change = if packet.visited() {
        trust().recall(device, &report)
    } else {
        trust().observe(device, report)
    };
    let Some(change) = change else { return };
    let previous = &change.previous;
    let item = packet.add_uint(tree, &TL_PREVIOUS_FRAME, value_range(itl), previous.frame);
    packet.set_generated(item);
    let message = format!(
        "{device} changed its ITL: now {} from {server}, was {} from {} (frame {})",
        short_signature(itl.trimmed_value()),
        short_signature(&previous.itl_signature),
        previous.itl_server,
        previous.frame
    );
    packet.expert_at(tree, &ITL_CHANGED, value_range(itl), &message);
}

/// The first bytes of a signature, enough to tell two apart in a message.
fn short_signature(hex: &str) -> String {
    let digits: String = hex.chars().filter(|c| !c.is_whitespace()).take(8).collect();
    if digits.len() < 8 {
        hex.trim().to_string()
    } else {
        format!("{digits}...")
    }
}
