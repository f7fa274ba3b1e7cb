//! LastOutOfServiceInformation: why, when and where the phone last lost
//! service, and the last signalling it sent and received before that.

use super::codes::{self, DHCP_STATUS, DNS_STATUS};
use super::fields::*;
use super::parse::{Alarm, Param};
use super::protocol_event::{split_protocol_event, split_sccp_event, ProtocolEventError};
use super::{value_part_range, value_range};
use crate::epan::{Field, Item, Packet, Tree};

/// The parameters the alarm carries (domain facts); others get a note.
pub const KNOWN_PARAMS: &[&str] = &[
    "DeviceName",
    "DeviceIPv4Address",
    "IPv4DefaultGateway",
    "DeviceIPv6Address",
    "IPv6DefaultGateway",
    "ModelNumber",
    "NeighborIPv4Address",
    "NeighborIPv6Address",
    "NeighborDeviceID",
    "NeighborPortID",
    "DHCPv4Status",
    "DHCPv6Status",
    "TFTPCfgStatus",
    "DNSStatusUnifiedCM1",
    "DNSStatusUnifiedCM2",
    "DNSStatusUnifiedCM3",
    "DNSv6StatusUnifiedCM1",
    "DNSv6StatusUnifiedCM2",
    "DNSv6StatusUnifiedCM3",
    "VoiceVLAN",
    "UnifiedCMIPAddress",
    "LocalPort",
    "TimeStamp",
    "ReasonForOutOfService",
    "LastProtocolEventSent",
    "LastProtocolEventReceived",
    "ReasonForOutOfServiceText",
];

/// The meaning of an enumerated parameter's value, for its tree label
/// ("DHCPv4Status: 1 (good)"), where the meaning is public.
pub fn value_meaning(param: &Param) -> Option<&'static str> {
    let table = match param.name.as_str() {
        "DHCPv4Status" | "DHCPv6Status" => DHCP_STATUS,
        name if name.starts_with("DNSStatusUnifiedCM")
            || name.starts_with("DNSv6StatusUnifiedCM") =>
        {
            DNS_STATUS
        }
        _ => return None,
    };
    codes::lookup(table, param.trimmed_value().parse().ok()?)
}

/// Adds the typed fields; returns the Info detail ("reason 25 LastTimeInitialized").
pub fn decode<'d>(packet: &mut Packet<'d>, tree: Tree<'d>, alarm: &Alarm) -> Option<String> {
    let reason_text = alarm.param("ReasonForOutOfServiceText");
    let mut detail = None;
    if let Some(p) = alarm.param("ReasonForOutOfService") {
        let text = reason_text
            .map(|t| t.trimmed_value())
            .filter(|t| !t.is_empty());
        if let Some((code, item)) = add_number(packet, tree, &OOS_REASON, p) {
            // The numbers are not public: the phone's own text names them.
            if let Some(text) = text {
                packet.append_text(item, &format!(" ({text})"));
            }
            detail = Some(match text {
                Some(text) => format!("reason {code} {text}"),
                None => format!("reason {code}"),
            });
        }
    }
    if let Some(p) = reason_text {
        packet.add_string(tree, &OOS_REASON_TEXT, value_range(p), p.trimmed_value());
    }
    for (name, field) in [
        ("ModelNumber", &OOS_MODEL),
        ("UnifiedCMIPAddress", &OOS_CUCM_ADDR),
        ("VoiceVLAN", &OOS_VOICE_VLAN),
        ("NeighborDeviceID", &OOS_NEIGHBOR_DEVICE),
        ("NeighborPortID", &OOS_NEIGHBOR_PORT),
    ] {
        if let Some(p) = alarm.param(name) {
            packet.add_string(tree, field, value_range(p), p.trimmed_value());
        }
    }
    if let Some(p) = alarm.param("DHCPv4Status") {
        if let Some((status, _)) = add_number(packet, tree, &OOS_DHCPV4_STATUS, p) {
            if codes::lookup(DHCP_STATUS, status).is_none() {
                let message = format!("DHCPv4Status {status} has no known meaning");
                packet.expert_at(tree, &UNKNOWN, value_range(p), &message);
            }
        }
    }
    if let Some(p) = alarm.param("TFTPCfgStatus") {
        add_number(packet, tree, &OOS_TFTP_CFG_STATUS, p);
    }
    if let Some(p) = alarm.param("TimeStamp") {
        add_timestamp(packet, tree, p);
    }
    if let Some(p) = alarm.param("LastProtocolEventSent") {
        add_event(packet, tree, &OOS_LAST_SENT, p);
    }
    if let Some(p) = alarm.param("LastProtocolEventReceived") {
        add_event(packet, tree, &OOS_LAST_RECEIVED, p);
    }
    detail
}

/// A decimal parameter as a uint field; an empty value adds nothing (the parameter
/// shows it as sent: real firmware sends empty Enums, e.g. ReasonForOutOfService in the
/// CP-7961G alarm of FreeSWITCH's mod_skinny test-skinny.pl); anything else is flagged.
fn add_number<'d>(
    packet: &mut Packet<'d>,
    tree: Tree<'d>,
    field: &Field,
    p: &Param,
) -> Option<(u32, Item<'d>)> {
    if p.trimmed_value().is_empty() {
        return None;
    }
    match p.trimmed_value().parse::<u32>() {
        Ok(value) => {
            let item = packet.add_uint(tree, field, value_range(p), value);
            Some((value, item))
        }
        Err(_) => {
            let message = format!("{} {:?} is not a number", p.name, p.trimmed_value());
            packet.expert_at(tree, &BAD_VALUE, value_range(p), &message);
            None
        }
    }
}

/// Milliseconds since 1970, as an absolute time.
fn add_timestamp<'d>(packet: &mut Packet<'d>, tree: Tree<'d>, p: &Param) {
    // Past year 9999 no display makes sense; treat it as garbage.
    const MAX_MS: u64 = 253_402_300_799_999;
    if p.trimmed_value().is_empty() {
        return;
    }
    match p.trimmed_value().parse::<u64>() {
        Ok(ms) if ms <= MAX_MS => {
            let secs = (ms / 1000) as i64;
            let nsecs = ((ms % 1000) * 1_000_000) as i32;
            packet.add_time(tree, &OOS_TIMESTAMP, value_range(p), secs, nsecs);
        }
        _ => {
            let message = format!(
                "TimeStamp {:?} is not a time in milliseconds since 1970",
                p.trimmed_value()
            );
            packet.expert_at(tree, &BAD_VALUE, value_range(p), &message);
        }
    }
}

/// `Sent:REGISTER sip:.. SIP/2.0 Cseq:336 REGISTER CallId:..`, split up.
fn add_event<'d>(packet: &mut Packet<'d>, tree: Tree<'d>, field: &Field, p: &Param) {
    let text = p.trimmed_value();
    let item = packet.add_string(tree, field, value_range(p), text);
    let event = match split_protocol_event(text) {
        Ok(event) => event,
        Err(ProtocolEventError::NoDirection) if split_sccp_event(text).is_some() => {
            add_sccp_event(packet, item, p);
            return;
        }
        // Nothing to split (an SCCP phone that never sent or received anything).
        Err(_) if text.is_empty() => return,
        Err(error) => {
            let message = format!("{} is not a protocol event ({error}): {text:?}", p.name);
            packet.expert_at(tree, &BAD_VALUE, value_range(p), &message);
            return;
        }
    };
    let sub = packet.subtree(item, &ETT_EVENT);
    let m = &event.method_or_status;
    packet.add_string(sub, &EVENT_MESSAGE, value_part_range(p, m.span), m.value);
    if let Some(uri) = &event.request_uri {
        packet.add_string(sub, &EVENT_URI, value_part_range(p, uri.span), uri.value);
    }
    if let Some(cseq) = &event.cseq_number {
        packet.add_uint(sub, &EVENT_CSEQ, value_part_range(p, cseq.span), cseq.value);
    }
    if let Some(method) = &event.cseq_method {
        packet.add_string(
            sub,
            &EVENT_CSEQ_METHOD,
            value_part_range(p, method.span),
            method.value,
        );
    }
    if let Some(call_id) = &event.call_id {
        packet.add_string(
            sub,
            &EVENT_CALL_ID,
            value_part_range(p, call_id.span),
            call_id.value,
        );
    }
}

/// `1:Register`, `129:RegisterAck`: an SCCP phone's event, the Skinny message id in
/// decimal and the phone's name for it (the CP-7961G alarm in FreeSWITCH's mod_skinny
/// test-skinny.pl). The id field is named as Wireshark's Skinny dissector names it.
fn add_sccp_event<'d>(packet: &mut Packet<'d>, item: Item<'d>, p: &Param) {
    let Some(event) = split_sccp_event(p.trimmed_value()) else {
        return;
    };
    let sub = packet.subtree(item, &ETT_EVENT);
    let id = &event.id;
    packet.add_uint(
        sub,
        &EVENT_SKINNY_ID,
        value_part_range(p, id.span),
        id.value,
    );
    let name = &event.name;
    packet.add_string(
        sub,
        &EVENT_SKINNY_NAME,
        value_part_range(p, name.span),
        name.value,
    );
}
