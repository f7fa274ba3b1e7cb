//! Skinny (SCCP) PDUs, built as Wireshark's Skinny dissector reads them
//! (`packet-skinny.c`): the framing, and the registration messages that the SCCP phones
//! of `ciscoreg-sccp`, `ciscoalarm-skinny` and the lab's SCCP phones trade with CUCM.
//!
//! Framing (`dissect_skinny_pdu`, all little-endian): data length (u32, counting the
//! message id and the payload), header version (u32, 0 = basic), message id (u32),
//! payload. Each payload follows the `packet-skinny.c` handler cited at its builder.

use crate::net::{Ipv4, Mac};

/// CUCM's Skinny port.
pub const SKINNY_PORT: u16 = 2000;

// Message ids (packet-skinny.c, `message_id`).
pub const KEEP_ALIVE: u32 = 0x0000;
pub const REGISTER: u32 = 0x0001;
pub const CAPABILITIES_RES: u32 = 0x0010;
pub const ALARM: u32 = 0x0020;
pub const UNREGISTER: u32 = 0x0027;
pub const REGISTER_ACK: u32 = 0x0081;
pub const CAPABILITIES_REQ: u32 = 0x009B;
pub const REGISTER_REJECT: u32 = 0x009D;
pub const RESET: u32 = 0x009F;
pub const KEEP_ALIVE_ACK: u32 = 0x0100;
pub const UNREGISTER_ACK: u32 = 0x0118;
pub const ENHANCED_ALARM: u32 = 0x015A;

/// packet-skinny.c, `DeviceResetType`: the resetType of a Reset (1 RESET, 2 RESTART,
/// 3 APPLY_CONFIG). CUCM restarts a phone with RESTART after an Extension Mobility
/// login or logout, as it sends a SIP phone `action=restart`.
pub const RESET_TYPE_RESTART: u32 = 2;

/// Seed 003's `protocolVer=0x8570000F` (an SCCP41.9-4-2 load): protocolVer 15, unknown
/// 0, phoneFeatures 0x8570.
pub const PROTOCOL_VER: u8 = 0x0F;
pub const PHONE_FEATURES: u16 = 0x8570;

/// Keepalive intervals CUCM grants (seconds): to its primary, to the secondary.
pub const KEEPALIVE_PRIMARY: u32 = 30;
pub const KEEPALIVE_SECONDARY: u32 = 60;

/// One Skinny PDU.
pub fn message(id: u32, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(12 + payload.len());
    out.extend_from_slice(&(4 + payload.len() as u32).to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(&id.to_le_bytes());
    out.extend_from_slice(payload);
    out
}

/// `text` in a NUL-padded field of `width` bytes.
fn padded(out: &mut Vec<u8>, text: &str, width: usize) {
    assert!(text.len() < width, "{text:?} does not fit {width} bytes");
    out.extend_from_slice(text.as_bytes());
    out.resize(out.len() + width - text.len(), 0);
}

/// What a phone's Register and Alarm say about it.
pub struct Station<'a> {
    pub name: &'a str,
    pub ip: Ipv4,
    pub mac: Mac,
    /// `skinny.deviceType` (packet-skinny.c, `DeviceType`).
    pub device_type: u32,
    /// The firmware load the Alarm names.
    pub load: &'a str,
}

impl Station<'_> {
    /// packet-skinny.c, handle_RegisterMessage: sid (DeviceName 16, reserved u32,
    /// instance u32), stationIpAddr (4 bytes, network order), deviceType, maxStreams;
    /// with a data length over 52 also activeStreams, protocolVer u8, unknown u8,
    /// phoneFeatures u16, maxConferences. The 16 bytes after those (activeConferences,
    /// the MAC address in a 12-byte field) are the ones a data length of 100 or more
    /// would decode; at 68 (seed 003's CUCM log: "Msg Size(received) = 68") Wireshark
    /// shows them as nothing.
    pub fn register(&self) -> Vec<u8> {
        let mut p = Vec::with_capacity(64);
        padded(&mut p, self.name, 16);
        p.extend_from_slice(&0u32.to_le_bytes()); // reserved
        p.extend_from_slice(&1u32.to_le_bytes()); // instance
        p.extend_from_slice(&self.ip);
        p.extend_from_slice(&self.device_type.to_le_bytes());
        p.extend_from_slice(&5u32.to_le_bytes()); // maxStreams
        p.extend_from_slice(&0u32.to_le_bytes()); // activeStreams
        p.push(PROTOCOL_VER);
        p.push(0); // unknown
        p.extend_from_slice(&PHONE_FEATURES.to_le_bytes());
        p.extend_from_slice(&0u32.to_le_bytes()); // maxConferences
        p.extend_from_slice(&0u32.to_le_bytes()); // activeConferences
        p.extend_from_slice(&self.mac);
        p.extend_from_slice(&[0; 6]);
        debug_assert_eq!(p.len(), 64);
        message(REGISTER, &p)
    }

    /// packet-skinny.c, handle_AlarmMessage: alarmSeverity, text (80 bytes), parm1,
    /// parm2. The text as seed 003's CUCM log shows it: `N: Name=.. Load= .. Last=..`,
    /// the cause a SIP phone puts in its REGISTER's `cisco-alarm:N` Reason.
    pub fn alarm(&self, cause: u32, last: &str) -> Vec<u8> {
        let text = format!(
            "{cause}: Name={} Load= {} Last={last}",
            self.name, self.load
        );
        let mut p = Vec::with_capacity(92);
        p.extend_from_slice(&2u32.to_le_bytes()); // alarmSeverity
        padded(&mut p, &text, 80);
        p.extend_from_slice(&0u32.to_le_bytes()); // parm1
        p.extend_from_slice(&0u32.to_le_bytes()); // parm2
        message(ALARM, &p)
    }
}

/// packet-skinny.c, handle_RegisterAckMessage: keepAliveInterval, dateTemplate (6
/// bytes), alignment padding (2), secondaryKeepAliveInterval, maxProtocolVer u8,
/// unknown u8, phoneFeatures u16.
pub fn register_ack() -> Vec<u8> {
    let mut p = Vec::with_capacity(20);
    p.extend_from_slice(&KEEPALIVE_PRIMARY.to_le_bytes());
    padded(&mut p, "M/D/YA", 7); // six characters, then the first padding byte
    p.push(0);
    p.extend_from_slice(&KEEPALIVE_SECONDARY.to_le_bytes());
    p.push(PROTOCOL_VER);
    p.push(0);
    p.extend_from_slice(&0u16.to_le_bytes());
    message(REGISTER_ACK, &p)
}

/// packet-skinny.c, handle_RegisterRejectMessage: text (32 bytes).
pub fn register_reject(text: &str) -> Vec<u8> {
    let mut p = Vec::with_capacity(32);
    padded(&mut p, text, 32);
    message(REGISTER_REJECT, &p)
}

/// CapabilitiesReq has no payload (packet-skinny.c's table gives it no handler).
pub fn capabilities_req() -> Vec<u8> {
    message(CAPABILITIES_REQ, &[])
}

/// packet-skinny.c, handle_CapabilitiesRes: capCount, then 18 slots of 16 bytes
/// (payloadCapability, maxFramesPerPacket, 8 bytes of codec parameters), the defined
/// size seed 003's CUCM log names (296). G.711 mu-law and A-law, G.729 and G.729 Annex
/// A, 60 ms frames at most.
pub fn capabilities_res() -> Vec<u8> {
    const CAPS: [u32; 4] = [4, 2, 11, 12];
    let mut p = Vec::with_capacity(292);
    p.extend_from_slice(&(CAPS.len() as u32).to_le_bytes());
    for cap in CAPS {
        p.extend_from_slice(&cap.to_le_bytes());
        p.extend_from_slice(&60u32.to_le_bytes());
        p.extend_from_slice(&[0; 8]);
    }
    p.resize(4 + 18 * 16, 0);
    message(CAPABILITIES_RES, &p)
}

/// packet-skinny.c, handle_UnregisterReqMessage: unRegReasonCode (0: the phone's own
/// wish; Wireshark decodes it only at a data length over 12, so here not at all).
pub fn unregister() -> Vec<u8> {
    message(UNREGISTER, &0u32.to_le_bytes())
}

/// packet-skinny.c, handle_UnregisterAckMessage: status (0, ok).
pub fn unregister_ack() -> Vec<u8> {
    message(UNREGISTER_ACK, &0u32.to_le_bytes())
}

/// packet-skinny.c, handle_Reset: resetType (u32), nothing else.
pub fn reset(reset_type: u32) -> Vec<u8> {
    message(RESET, &reset_type.to_le_bytes())
}

/// packet-skinny.c, handle_EnhancedAlarmMessage: the alarm XML (read up to its NUL,
/// 2048 bytes at most), the same XML a SIP phone puts in its alarm REFER.
pub fn enhanced_alarm(xml: &str) -> Vec<u8> {
    assert!(
        xml.len() < 2048,
        "Wireshark reads 2048 bytes of alarm XML at most"
    );
    let mut payload = xml.as_bytes().to_vec();
    payload.push(0);
    message(ENHANCED_ALARM, &payload)
}

/// KeepAliveReq and KeepAliveAck have no payload (packet-skinny.c's message table gives
/// neither a handler): a data length of 4, the message id alone.
pub fn keep_alive() -> Vec<u8> {
    message(KEEP_ALIVE, &[])
}

/// See [`keep_alive`].
pub fn keep_alive_ack() -> Vec<u8> {
    message(KEEP_ALIVE_ACK, &[])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data_length(m: &[u8]) -> u32 {
        u32::from_le_bytes(m[..4].try_into().unwrap())
    }

    fn id(m: &[u8]) -> u32 {
        u32::from_le_bytes(m[8..12].try_into().unwrap())
    }

    const STATION: Station = Station {
        name: "SEP001E4A3B6107",
        ip: [10, 20, 6, 21],
        mac: [0x00, 0x1e, 0x4a, 0x3b, 0x61, 0x07],
        device_type: 30_018,
        load: "SCCP41.9-4-2SR3-1S",
    };

    #[test]
    fn every_pdu_counts_its_id_and_payload() {
        for m in [
            STATION.register(),
            STATION.alarm(23, "Reset-Restart"),
            register_ack(),
            register_reject("Unknown Device"),
            capabilities_req(),
            capabilities_res(),
            unregister(),
            unregister_ack(),
            reset(RESET_TYPE_RESTART),
            enhanced_alarm("<x/>"),
            keep_alive(),
            keep_alive_ack(),
        ] {
            assert_eq!(data_length(&m) as usize + 8, m.len());
            assert_eq!(m[4..8], [0; 4], "basic header version");
        }
    }

    #[test]
    fn reset_is_restart_in_four_bytes() {
        assert_eq!(
            reset(RESET_TYPE_RESTART),
            [8, 0, 0, 0, 0, 0, 0, 0, 0x9f, 0, 0, 0, 2, 0, 0, 0]
        );
    }

    #[test]
    fn register_puts_each_field_where_wireshark_reads_it() {
        let m = STATION.register();
        assert_eq!(data_length(&m), 68);
        assert_eq!(id(&m), REGISTER);
        assert_eq!(&m[12..28], b"SEP001E4A3B6107\0");
        assert_eq!(m[36..40], [10, 20, 6, 21]);
        assert_eq!(u32::from_le_bytes(m[40..44].try_into().unwrap()), 30_018);
        assert_eq!(m[52], PROTOCOL_VER);
        assert_eq!(m[54..56], PHONE_FEATURES.to_le_bytes());
    }

    #[test]
    fn alarm_text_sits_in_its_80_bytes() {
        let m = STATION.alarm(24, "Phone-Reg-Rej");
        assert_eq!(data_length(&m), 4 + 92);
        assert_eq!(id(&m), ALARM);
        assert_eq!(m[12..16], 2u32.to_le_bytes(), "severity");
        let text = b"24: Name=SEP001E4A3B6107 Load= SCCP41.9-4-2SR3-1S Last=Phone-Reg-Rej\0";
        assert!(m[16..96].starts_with(text));
        assert!(m[16 + text.len()..104].iter().all(|&b| b == 0));
    }

    #[test]
    fn answers_have_their_sizes() {
        assert_eq!(data_length(&register_ack()), 24);
        assert_eq!(&register_ack()[16..22], b"M/D/YA");
        let reject = register_reject("Unknown Device");
        assert_eq!((data_length(&reject), id(&reject)), (36, REGISTER_REJECT));
        assert_eq!(capabilities_req(), [4, 0, 0, 0, 0, 0, 0, 0, 0x9b, 0, 0, 0]);
        assert_eq!(data_length(&capabilities_res()), 296);
        assert_eq!(
            unregister_ack(),
            [8, 0, 0, 0, 0, 0, 0, 0, 0x18, 1, 0, 0, 0, 0, 0, 0]
        );
        let alarm = enhanced_alarm("<x/>");
        assert_eq!(&alarm[8..], [0x5a, 1, 0, 0, b'<', b'x', b'/', b'>', 0]);
    }
}
