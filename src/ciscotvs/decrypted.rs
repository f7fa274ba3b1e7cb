//! The TVS messages of a decrypted session: Wireshark's TLS dissector hands us the
//! decrypted application data of the TVS port (we are in its `tls.port` table), we
//! split it into messages and show each one.
//!
//! A message cut at the end of the data is gathered by TLS (we ask it for the missing
//! bytes) when its reassembly of application data is on, the default; otherwise it is
//! decoded as far as it goes and flagged. Several messages in one record are each shown.

use super::fields::*;
use super::messages::{self, Class, Message, Parsed, Rest, Tlv, Value};
use crate::epan::{ForeignDissector, Item, Packet, Tree};

/// Wireshark's X.509 decoder: x509af registers its Certificate syntax in the
/// `ber.syntax` table.
static X509: ForeignDissector = ForeignDissector::in_string_table(c"ber.syntax", c"Certificate");

pub fn dissect(packet: &mut Packet<'_>) -> usize {
    let data = packet.bytes().to_vec();
    if data.is_empty() {
        return 0;
    }
    let can_wait = packet.can_desegment() && !packet.is_truncated();
    let parsed = messages::parse(&data, can_wait);
    if parsed.messages.is_empty() && matches!(parsed.rest, Rest::Incomplete { .. }) && can_wait {
        // Nothing to show yet: TLS calls again once the message is whole.
        if let Rest::Incomplete { offset, needed } = parsed.rest {
            packet.request_more(offset, needed);
        }
        return data.len();
    }
    packet.set_protocol_column();
    show(packet, &data, &parsed, can_wait);
    data.len()
}

fn show(packet: &mut Packet<'_>, data: &[u8], parsed: &Parsed, can_wait: bool) {
    for message in &parsed.messages {
        show_message(packet, data, message);
    }
    match parsed.rest {
        Rest::Nothing => {}
        Rest::Incomplete { offset, needed } if can_wait => packet.request_more(offset, needed),
        Rest::Incomplete { offset, .. } => {
            let (item, _) = packet.add_protocol(offset..data.len(), &ETT_MESSAGE);
            let text = format!(
                "TVS message header cut: {} of 10 bytes here, the rest is in a later record \
                 and TLS reassembly is off or impossible (tls.desegment_ssl_application_data)",
                data.len() - offset
            );
            packet.expert(item, &SPLIT, &text);
        }
        Rest::NotTvs { span, first } => {
            let (item, tree) = packet.add_protocol(span.range(), &ETT_MESSAGE);
            packet.append_text(item, ", not a TVS message");
            packet.add_bytes(tree, &DATA, span.range(), &data[span.range()]);
            let text = format!(
                "Not a TVS message: it starts with 0x{first:02x}, not the magic 0x57 (or it \
                 continues a message split over records that TLS did not reassemble); the {} \
                 bytes from here are not decoded",
                span.len
            );
            packet.expert(item, &MALFORMED, &text);
            packet.append_info("[TVS: not a TVS message]");
        }
        Rest::Skipped(span) => {
            let (item, _) = packet.add_protocol(span.range(), &ETT_MESSAGE);
            let text = format!(
                "{} TVS messages decoded: the {} bytes after them are not",
                messages::MAX_MESSAGES,
                span.len
            );
            packet.expert(item, &LIMIT, &text);
        }
    }
}

fn command_name(code: u8) -> String {
    messages::name(messages::COMMANDS, u32::from(code))
        .map_or_else(|| format!("Command {code}"), str::to_string)
}

fn show_message<'d>(packet: &mut Packet<'d>, data: &[u8], m: &Message) {
    let h = &m.header;
    let command = command_name(h.command.value);
    let (item, tree) = packet.add_protocol(m.span.range(), &ETT_MESSAGE);
    let mut summary = format!(", {command}, Session ID 0x{:08x}", h.session_id.value);
    let status = m.status();
    if let Some(s) = status {
        let word = messages::name(messages::STATUSES, u32::from(s)).unwrap_or("unknown");
        summary.push_str(&format!(", {word}"));
    }
    packet.append_text(item, &summary);

    packet.add_bytes(tree, &MAGIC, h.magic.span.range(), &[h.magic.value]);
    packet.add_uint(
        tree,
        &VERSION,
        h.version.span.range(),
        h.version.value.into(),
    );
    packet.add_uint(
        tree,
        &COMMAND,
        h.command.span.range(),
        h.command.value.into(),
    );
    packet.add_uint(
        tree,
        &RESERVED,
        h.reserved.span.range(),
        h.reserved.value.into(),
    );
    packet.add_uint(
        tree,
        &SESSION_ID,
        h.session_id.span.range(),
        h.session_id.value,
    );
    packet.add_uint(tree, &LENGTH, h.length.span.range(), h.length.value.into());
    for tlv in &m.tlvs {
        show_tlv(packet, tree, data, tlv);
    }
    for problem in &m.problems {
        let expert = match problem.kind.class() {
            Class::Malformed => &MALFORMED,
            Class::Unknown => &UNKNOWN,
            Class::Limit => &LIMIT,
            Class::Cut => &SPLIT,
        };
        packet.expert_at(tree, expert, problem.span.range(), &problem.kind.text());
    }
    let info = match status {
        Some(s) => {
            let word = messages::name(messages::STATUSES, u32::from(s))
                .map_or_else(|| format!("status {s}"), str::to_string);
            format!("[TVS {command}: {word}]")
        }
        None => format!("[TVS {command}]"),
    };
    packet.append_info(&info);
}

fn show_tlv<'d>(packet: &mut Packet<'d>, tree: Tree<'d>, data: &[u8], tlv: &Tlv) {
    let tag = tlv.tag.value;
    let label = match messages::name(messages::TAGS, u32::from(tag)) {
        Some(tag_name) => format!("TLV: {tag_name} ({} bytes)", tlv.length.value),
        None => format!("TLV: tag {tag}, not public ({} bytes)", tlv.length.value),
    };
    let item = packet.add_label(tree, &TLV, tlv.span.range(), &label);
    let sub = packet.subtree(item, &ETT_TLV);
    packet.add_uint(sub, &TLV_TAG, tlv.tag.span.range(), tag.into());
    packet.add_uint(
        sub,
        &TLV_LENGTH,
        tlv.length.span.range(),
        tlv.length.value.into(),
    );
    let range = tlv.value_span.range();
    match &tlv.value {
        Value::DeviceName { kind, name } => {
            if let Some(kind) = kind {
                packet.add_uint(sub, &DEVICE_NAME_TYPE, kind.span.range(), kind.value.into());
            }
            packet.add_string(sub, &DEVICE_NAME, name.span.range(), &name.value);
        }
        Value::Text(text) => {
            packet.add_string(sub, &SUBJECT, text.span.range(), &text.value);
        }
        Value::Certificate => show_certificate(packet, sub, data, range),
        Value::Status(s) => {
            let status = packet.add_uint(sub, &STATUS, range, (*s).into());
            if *s == messages::STATUS_INVALID {
                packet.expert(
                    status,
                    &STATUS_INVALID,
                    "TVS answered invalid: it does not vouch for this certificate, so the \
                     phone will not trust files or servers signed with it (during EMCC: the \
                     home cluster's ITL and configuration, and the login fails). Check that \
                     the clusters exchanged their current certificates",
                );
            }
        }
        Value::Roles(roles) => {
            for role in roles {
                packet.add_uint(sub, &ROLE, role.span.range(), role.value.into());
                let old = packet.add_uint(sub, &ROLES, role.span.range(), role.value.into());
                packet.set_hidden(old);
            }
        }
        Value::Ttl(seconds) => {
            let ttl = packet.add_uint(sub, &TTL, range, *seconds);
            packet.append_text(ttl, &format!(" seconds{}", in_words(*seconds)));
        }
        Value::Raw => {
            packet.add_bytes(sub, &TLV_VALUE, range.clone(), &data[range]);
        }
    }
}

/// The certificate's bytes, with Wireshark's X.509 decoding under them when it has one.
fn show_certificate<'d>(
    packet: &mut Packet<'d>,
    tree: Tree<'d>,
    data: &[u8],
    range: std::ops::Range<usize>,
) {
    let item = packet.add_bytes(tree, &CERTIFICATE, range.clone(), &data[range.clone()]);
    if !item.exists() {
        // No tree on this pass: there is nothing to hang the decoding under.
        return;
    }
    let sub = packet.subtree(item, &ETT_CERTIFICATE);
    match packet.call_dissector(&X509, sub, range.clone()) {
        Ok(Some(_)) => {}
        Ok(None) => packet.append_text(item, " (no X.509 decoder in this Wireshark)"),
        Err(why) => report_bad_certificate(packet, item, &why),
    }
}

fn report_bad_certificate<'d>(packet: &mut Packet<'d>, item: Item<'d>, why: &str) {
    let text = format!("Certificate: Wireshark's X.509 decoder stopped ({why})");
    packet.expert(item, &MALFORMED, &text);
}

/// " (1 hour)", " (1 day)": TTLs read better in words.
fn in_words(seconds: u32) -> String {
    const UNITS: [(u32, &str); 3] = [(86_400, "day"), (3_600, "hour"), (60, "minute")];
    UNITS
        .iter()
        .find(|(size, _)| seconds >= *size && seconds % size == 0)
        .map(|(size, unit)| {
            let n = seconds / size;
            format!(" ({n} {unit}{})", if n == 1 { "" } else { "s" })
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ttls_in_words() {
        assert_eq!(in_words(3_600), " (1 hour)");
        assert_eq!(in_words(86_400 * 2), " (2 days)");
        assert_eq!(in_words(90), "");
        assert_eq!(in_words(0), "");
        assert_eq!(command_name(3), "Query Certificate Request");
        assert_eq!(command_name(9), "Command 9");
    }
}
