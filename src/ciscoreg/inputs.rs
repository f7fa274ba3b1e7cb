//! A frame's registration messages, read from SIP's and Skinny's fields
//! (from taps by default, `tap_inputs`; from the protocol tree when the
//! plugin reads the tree) and from TCP's header.
//!
//! One TCP segment can hold several messages (Skinny puts a RegisterAck and
//! a CapabilitiesReq in one; SIP over TCP may carry two requests): fields
//! are grouped by message (`message_fields`), a message starting at SIP's
//! method or status line, or at Skinny's message id.

use super::facts::{Input, Restart};
use crate::ciscoalarm::reason::parse_reason;
use crate::emccflow::facts::{contact_device, contact_expires, status_phrase};
use crate::epan::tcp::{self, TCP_FLAGS, TCP_STREAM};
use crate::epan::{ForeignField, Packet};
use crate::message_fields::{by_message, first_string, first_uint, Start};
use crate::skinny_messages;

pub static SIP_LAYER: ForeignField = ForeignField::new(c"sip", c"sip");
static SIP_METHOD: ForeignField = ForeignField::new(c"sip.Method", c"sip");
static SIP_STATUS_LINE: ForeignField = ForeignField::new(c"sip.Status-Line", c"sip");
static SIP_CSEQ_METHOD: ForeignField = ForeignField::new(c"sip.CSeq.method", c"sip");
static SIP_EXPIRES: ForeignField = ForeignField::new(c"sip.Expires", c"sip");
static SIP_CONTACT: ForeignField = ForeignField::new(c"sip.Contact", c"sip");
static SIP_REASON: ForeignField = ForeignField::new(c"sip.Reason", c"sip");
/// Ours: `ciscotl` decodes the configuration file a phone downloads; its
/// call managers are handed over as added (`epan::echo_fields`).
pub static CFG_CALL_MANAGER: ForeignField =
    ForeignField::new(c"ciscotl.cfg.call_manager", c"ciscotl");

/// Read from Wireshark: the fields of other protocols (and Skinny's,
/// `skinny_messages::WANTED`).
pub static WANTED: [&ForeignField; 8] = [
    &TCP_STREAM,
    &TCP_FLAGS,
    &SIP_METHOD,
    &SIP_STATUS_LINE,
    &SIP_CSEQ_METHOD,
    &SIP_EXPIRES,
    &SIP_CONTACT,
    &SIP_REASON,
];

pub fn resolve_layers() {
    SIP_LAYER.resolve();
    skinny_messages::LAYER.resolve();
}

/// A FIN or RST in these flags: `Some(reset)`.
pub fn closing(flags: u32) -> Option<bool> {
    if flags & tcp::RST != 0 {
        Some(true)
    } else if flags & tcp::FIN != 0 {
        Some(false)
    } else {
        None
    }
}

/// The SIP and Skinny registration messages of the frame, in order.
pub fn messages(packet: &mut Packet<'_>) -> Vec<Input> {
    let mut inputs = Vec::new();
    // A SIP message the capture cut short shows its start line without its
    // headers: a REGISTER's Expires, Contact and Reason are unknown, and a
    // guess would be stated as fact (a keepalive taken for a registration, a
    // failover that never was). Such frames are left out.
    if packet.carries(&[&SIP_LAYER]) && !packet.frame_is_cut() {
        sip(packet, &mut inputs);
    }
    if packet.carries(&[&skinny_messages::LAYER]) {
        skinny(packet, &mut inputs);
    }
    inputs
}

/// A SIP message's first line: a request's method, or a response's status
/// line.
enum Head {
    Request(String),
    Response(String),
}

fn sip(packet: &mut Packet<'_>, inputs: &mut Vec<Input>) {
    // A message starts with its request method or its status line (both at
    // the start of the first line, in the tree as from taps).
    let mut heads: Vec<(Start<'_>, Head)> = Vec::new();
    for (field, request) in [(&SIP_METHOD, true), (&SIP_STATUS_LINE, false)] {
        for found in packet.fields(field) {
            let Some(text) = found.string else {
                continue;
            };
            let start = Start {
                source: found.source,
                at: found.range.start,
            };
            heads.push((
                start,
                if request {
                    Head::Request(text)
                } else {
                    Head::Response(text)
                },
            ));
        }
    }
    heads.sort_by_key(|(start, _)| start.at);
    // Only REGISTERs and their answers matter: the other headers are read
    // only when the frame has one (most SIP frames of a phone network are
    // registrations, but calls are not).
    let requests = heads
        .iter()
        .any(|(_, h)| matches!(h, Head::Request(m) if m == "REGISTER"));
    let responses = heads.iter().any(|(_, h)| matches!(h, Head::Response(_)));
    if !requests && !responses {
        return;
    }
    let (starts, heads): (Vec<Start<'_>>, Vec<Head>) = heads.into_iter().unzip();
    let cseq = if responses {
        by_message(packet, &SIP_CSEQ_METHOD, &starts)
    } else {
        Vec::new()
    };
    let answers_register = |i: usize| {
        cseq.get(i)
            .and_then(|found| first_string(found))
            .is_some_and(|m| m == "REGISTER")
    };
    let wanted: Vec<bool> = heads
        .iter()
        .enumerate()
        .map(|(i, h)| match h {
            Head::Request(method) => method == "REGISTER",
            Head::Response(_) => answers_register(i),
        })
        .collect();
    if !wanted.contains(&true) {
        return;
    }
    let expires = by_message(packet, &SIP_EXPIRES, &starts);
    let contact = by_message(packet, &SIP_CONTACT, &starts);
    let reason = if requests {
        by_message(packet, &SIP_REASON, &starts)
    } else {
        Vec::new()
    };
    for (i, head) in heads.iter().enumerate() {
        if !wanted[i] {
            continue;
        }
        let contact = first_string(&contact[i]);
        let keep_alive = contact.as_deref().is_some_and(is_keep_alive);
        let expires =
            first_uint(&expires[i]).or_else(|| contact.as_deref().and_then(contact_expires));
        match head {
            Head::Request(_) => inputs.push(Input::SipRegister {
                expires,
                keep_alive,
                device: contact.as_deref().and_then(contact_device),
                restart: reason
                    .get(i)
                    .and_then(|r| r.iter().find_map(|r| restart(r.string.as_deref()?))),
            }),
            Head::Response(line) => {
                // "SIP/2.0 200 OK": the code, as sip.Status-Code has it,
                // and the phrase.
                let Some(status) = line
                    .split(' ')
                    .nth(1)
                    .and_then(|code| code.parse::<u32>().ok())
                else {
                    continue;
                };
                inputs.push(Input::SipResponse {
                    status,
                    phrase: status_phrase(line),
                    expires,
                    keep_alive,
                })
            }
        }
    }
}

/// A Contact with Cisco's `cisco-keep-alive` parameter: a keepalive
/// REGISTER to a backup CUCM, not an unregister (seeds/004).
fn is_keep_alive(contact: &str) -> bool {
    // A parameter ends at the next ';', or at the ',' before another
    // contact of the same header (RFC 3261 section 20.10).
    contact.split(';').any(|param| {
        let param = param.split(',').next().unwrap_or_default();
        param.trim().eq_ignore_ascii_case("cisco-keep-alive")
    })
}

/// The restart cause of a `Reason: ... cisco-alarm:N ... Last=...` value.
fn restart(value: &str) -> Option<Restart> {
    let reason = parse_reason(value)?;
    Some(Restart {
        code: reason.code.map(|c| c.value),
        last: reason.last().map(|p| p.value.to_string()),
    })
}

fn skinny(packet: &mut Packet<'_>, inputs: &mut Vec<Input>) {
    inputs.extend(skinny_messages::read(packet).into_iter().map(Input::Sccp));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The keepalive REGISTER's Contact of seeds/004 (a screenshot's text,
    /// OCR slips mended), and its 200 OK's.
    #[test]
    fn the_seed_004_keepalive_contact() {
        let contact = r#"<sip:e2b0f175-feae-d664-befa-b7cd0837fcc6@10.60.63.21:5060;transport=TCP>;+sip.instance="<urn:uuid:00000000-0000-0000-0000-e0d1730ac1b1>";+u.sip!devicename.ccm.cisco.com="SEPE0D1730AC1B1";+u.sip!model.ccm.cisco.com="592";expires=0;cisco-keep-alive"#;
        assert!(is_keep_alive(contact));
        assert_eq!(contact_expires(contact), Some(0));
        assert_eq!(contact_device(contact).as_deref(), Some("SEPE0D1730AC1B1"));
        assert!(!is_keep_alive(
            "<sip:5678@10.106.114.185:53006;transport=tcp>;expires=120"
        ));
        assert!(!is_keep_alive("<sip:cisco-keep-alive@10.0.0.1>"));
    }

    /// The Reason of seeds/003's REGISTER.
    #[test]
    fn the_seed_003_restart_cause() {
        let reason = r#"SIP;cause=200;text="cisco-alarm:12 Name=SEP005056A1033D Load=CIPC-7-0-1-0 Last=cm-reset-tcp""#;
        assert_eq!(
            restart(reason),
            Some(Restart {
                code: Some(12),
                last: Some("cm-reset-tcp".into())
            })
        );
    }
}
