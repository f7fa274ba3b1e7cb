//! One post-dissector for what other dissectors keep to themselves: the
//! `sip.Reason` header values and Skinny's XML data. It asks Wireshark for
//! those two fields only, and does nothing on frames that have neither.

use super::fields::*;
use super::reason;
use super::{register_reason, skinny_alarm};
use crate::epan::{Dissector, ForeignField, Packet};

static SIP_REASON: ForeignField = ForeignField::new(c"sip.Reason", c"sip");
static SKINNY_XML: ForeignField = ForeignField::new(c"skinny.xmlData", c"skinny");

static DISSECTOR: Dissector =
    Dissector::new_postdissector(c"ciscoalarm_post", &PROTOCOL, dissect, &REASON_LAST);

pub fn register() {
    DISSECTOR.register();
}

pub fn handoff() {
    DISSECTOR.register_as_postdissector(&[&SIP_REASON, &SKINNY_XML]);
}

fn dissect(packet: &mut Packet<'_>) -> usize {
    for hit in packet.string_fields(&SIP_REASON) {
        if let Some(parsed) = reason::parse_reason(&hit.value) {
            register_reason::decode(packet, &hit, &parsed);
        }
    }
    for hit in packet.string_fields(&SKINNY_XML) {
        skinny_alarm::decode(packet, &hit);
    }
    0
}
