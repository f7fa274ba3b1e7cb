//! The Skinny (SCCP) messages of a frame that say something about a phone's
//! registration, read from Skinny's fields (from taps by default,
//! `tap_inputs::skinny`; from the protocol tree when the plugin reads the
//! tree). `ciscoreg` follows registrations and keepalives with them,
//! `emccflow` the registration steps of an SCCP phone's EMCC login.
//!
//! One TCP segment can hold several messages (a RegisterAck and a
//! CapabilitiesReq): each message starts at its `skinny.messageId`, and its
//! values are grouped with it (`message_fields`).
#![forbid(unsafe_code)]

use crate::epan::{ForeignField, Packet};
use crate::message_fields::{by_message, first_string, first_uint, Start};

pub static LAYER: ForeignField = ForeignField::new(c"skinny", c"skinny");
pub static MESSAGE_ID: ForeignField = ForeignField::new(c"skinny.messageId", c"skinny");
pub static DEVICE_NAME: ForeignField = ForeignField::new(c"skinny.DeviceName", c"skinny");
pub static KEEPALIVE_INTERVAL: ForeignField =
    ForeignField::new(c"skinny.keepAliveInterval", c"skinny");
pub static SECONDARY_INTERVAL: ForeignField =
    ForeignField::new(c"skinny.secondaryKeepAliveInterval", c"skinny");
pub static TEXT: ForeignField = ForeignField::new(c"skinny.text", c"skinny");
pub static RESET_TYPE: ForeignField = ForeignField::new(c"skinny.resetType", c"skinny");

/// The fields `read` reads: a post-dissector that calls it wants them.
pub const WANTED: [&ForeignField; 6] = [
    &MESSAGE_ID,
    &DEVICE_NAME,
    &KEEPALIVE_INTERVAL,
    &SECONDARY_INTERVAL,
    &TEXT,
    &RESET_TYPE,
];

/// A Skinny message of the registration (message ids and layouts from
/// packet-skinny.c, Wireshark 4.0).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Sccp {
    /// RegisterReq (0x0001), with its device name.
    Register { device: Option<String> },
    /// RegisterAck (0x0081): keepalive intervals for the primary and the
    /// secondary CUCM, in seconds.
    RegisterAck {
        keepalive: Option<u32>,
        secondary: Option<u32>,
    },
    /// RegisterReject (0x009D) and its text.
    RegisterReject { text: String },
    /// KeepAliveReq (0x0000).
    KeepAlive,
    /// KeepAliveAck (0x0100).
    KeepAliveAck,
    /// UnregisterReq (0x0027).
    Unregister,
    /// UnregisterAck (0x0118).
    UnregisterAck,
    /// Alarm (0x0020) and its text.
    Alarm { text: String },
    /// Reset (0x009F), sent by the CUCM: the phone is to reset, restart or
    /// apply its configuration (`resetType` 1, 2, 3: packet-skinny.c
    /// `DeviceResetType`); the phone unregisters and starts again.
    Reset { kind: Option<u32> },
}

impl Sccp {
    /// Sent by the phone (the others by the CUCM).
    pub fn from_phone(&self) -> bool {
        matches!(
            self,
            Sccp::Register { .. } | Sccp::KeepAlive | Sccp::Unregister | Sccp::Alarm { .. }
        )
    }
}

/// The `resetType` of a Reset that restarts the phone (packet-skinny.c
/// `DeviceResetType`: 1 reset, 2 restart, 3 apply config).
pub const RESET_RESTART: u32 = 2;

/// The name of a Reset's `resetType` (packet-skinny.c `DeviceResetType`).
pub fn reset_kind_name(kind: u32) -> Option<&'static str> {
    match kind {
        1 => Some("reset"),
        RESET_RESTART => Some("restart"),
        3 => Some("apply config"),
        _ => None,
    }
}

// Skinny message ids (packet-skinny.c, `message_id` value strings).
const KEEPALIVE: u32 = 0x0000;
const REGISTER: u32 = 0x0001;
const ALARM: u32 = 0x0020;
const UNREGISTER: u32 = 0x0027;
const REGISTER_ACK: u32 = 0x0081;
const REGISTER_REJECT: u32 = 0x009D;
const RESET: u32 = 0x009F;
const KEEPALIVE_ACK: u32 = 0x0100;
const UNREGISTER_ACK: u32 = 0x0118;

/// The registration messages of the frame's Skinny PDUs, in order (other
/// Skinny messages are left out).
pub fn read(packet: &mut Packet<'_>) -> Vec<Sccp> {
    let ids = packet.fields(&MESSAGE_ID);
    if ids.is_empty() {
        return Vec::new();
    }
    let starts = Start::at_each(&ids);
    // The values are read only for the messages that carry them (a
    // keepalive, the most common message, carries none).
    let has = |wanted: &[u32]| {
        ids.iter()
            .any(|id| id.uint.is_some_and(|i| wanted.contains(&i)))
    };
    let mut read = |field: &ForeignField, needed: bool| {
        if needed {
            by_message(packet, field, &starts)
        } else {
            starts.iter().map(|_| Vec::new()).collect()
        }
    };
    let device = read(&DEVICE_NAME, has(&[REGISTER]));
    let keepalive = read(&KEEPALIVE_INTERVAL, has(&[REGISTER_ACK]));
    let secondary = read(&SECONDARY_INTERVAL, has(&[REGISTER_ACK]));
    let text = read(&TEXT, has(&[REGISTER_REJECT, ALARM]));
    let reset = read(&RESET_TYPE, has(&[RESET]));
    let mut messages = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        messages.push(match id.uint {
            Some(KEEPALIVE) => Sccp::KeepAlive,
            Some(KEEPALIVE_ACK) => Sccp::KeepAliveAck,
            Some(REGISTER) => Sccp::Register {
                device: first_string(&device[i]),
            },
            Some(REGISTER_ACK) => Sccp::RegisterAck {
                keepalive: first_uint(&keepalive[i]),
                secondary: first_uint(&secondary[i]),
            },
            Some(REGISTER_REJECT) => Sccp::RegisterReject {
                text: first_string(&text[i]).unwrap_or_default(),
            },
            Some(UNREGISTER) => Sccp::Unregister,
            Some(UNREGISTER_ACK) => Sccp::UnregisterAck,
            Some(ALARM) => Sccp::Alarm {
                text: first_string(&text[i]).unwrap_or_default(),
            },
            Some(RESET) => Sccp::Reset {
                kind: first_uint(&reset[i]),
            },
            _ => continue,
        });
    }
    messages
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn who_sends_what() {
        assert!(Sccp::Register { device: None }.from_phone());
        assert!(Sccp::Unregister.from_phone());
        assert!(!Sccp::Reset { kind: Some(2) }.from_phone());
        assert!(!Sccp::UnregisterAck.from_phone());
    }

    #[test]
    fn reset_kinds() {
        assert_eq!(reset_kind_name(2), Some("restart"));
        assert_eq!(reset_kind_name(3), Some("apply config"));
        assert_eq!(reset_kind_name(9), None);
    }
}
