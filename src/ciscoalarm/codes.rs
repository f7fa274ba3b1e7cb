//! Number-to-name tables for values found in x-cisco-alarm bodies and in the REGISTER
//! `Reason: SIP;cause=..;text="cisco-alarm:N .."` header.
//!
//! Only meanings listed in domain.md are here, spelled as there. Numbers that are not in a
//! table have no public meaning: show them raw and say "unknown" (see [`lookup`]).

#![forbid(unsafe_code)]

/// Last restart/unregister cause, the `N` of `cisco-alarm:N` (domain.md, "REGISTER Reason
/// header"). 27 and 28 are not listed there; 100..=108 are SIP-only. Sorted by code.
pub const RESTART_CAUSES: &[(u32, &str)] = &[
    (0, "Load Rejected HC"),
    (1, "TFTP Size Error"),
    (2, "Compression Type Error"),
    (3, "Version Error"),
    (4, "Disk Full"),
    (5, "ROM Checksum"),
    (6, "File Not Found"),
    (7, "TFTP Timeout"),
    (8, "TFTP Access Error"),
    (9, "TFTP Error"),
    (10, "TCP-timeout"),
    (11, "TCP-Bad-ACK"),
    (12, "CM-reset-TCP"),
    (13, "CM-aborted-TCP"),
    (14, "CM-closed-TCP"),
    (15, "CM-ICMP-Unreach"),
    (16, "CM-NAKed"),
    (17, "KeepaliveTO"),
    (18, "Failback"),
    (19, "Phone-Diag"),
    (20, "Phone-Keypad"),
    (21, "Phone-Re-IP"),
    (22, "Reset-Reset"),
    (23, "Reset-Restart"),
    (24, "Phone-Reg-Rej"),
    (25, "Initialized"),
    (26, "VoiceVLANChanged"),
    (29, "DSP Error"),
    (30, "Phone-Abort"),
    (31, "FileAuthError"),
    (32, "PowerSavePlus"),
    (100, "version stamp mismatch"),
    (101, "config version mismatch"),
    (102, "softkey version mismatch"),
    (103, "dial plan version mismatch"),
    (104, "apply-config restart"),
    (105, "config retry restart"),
    (106, "TLS error"),
    (107, "reset to inactive partition"),
    (108, "VPN lost"),
];

/// Skinny (SCCP) message ids a LastOutOfServiceInformation alarm may name in the SCCP
/// form of its protocol events (`1:Register`, `129:RegisterAck`: the id in decimal, then
/// the phone's own name; the CP-7961G alarm in FreeSWITCH's
/// `src/mod/endpoints/mod_skinny/test-skinny.pl`). Names as Wireshark's Skinny dissector
/// spells them (`epan/dissectors/packet-skinny.c`, the `message_id` value strings, shown
/// by `tshark -G values` as `skinny.messageId`); only the registration and keepalive
/// messages a phone's last event before losing service is likely to be. Sorted by id.
pub const SKINNY_MESSAGES: &[(u32, &str)] = &[
    (0x0000, "KeepAliveReq"),
    (0x0001, "RegisterReq"),
    (0x0027, "UnregisterReq"),
    (0x0081, "RegisterAck"),
    (0x009D, "RegisterReject"),
    (0x0100, "KeepAliveAck"),
    (0x0118, "UnregisterAck"),
];

/// LastOutOfServiceInformation `DHCPv4Status` / `DHCPv6Status` (domain.md). Other values
/// (0 included) are not documented.
pub const DHCP_STATUS: &[(u32, &str)] = &[(1, "good"), (2, "timeout"), (3, "disabled")];

/// LastOutOfServiceInformation `DNSStatusUnifiedCM1..3` / `DNSv6StatusUnifiedCM1..3`
/// (domain.md). Other values (0, seen in the field, included) are not documented.
pub const DNS_STATUS: &[(u32, &str)] = &[
    (1, "good"),
    (2, "timeout"),
    (3, "did not resolve"),
    (4, "not applicable (address configured)"),
];

/// The name of `code` in `table`, or `None` when its meaning is not public.
pub fn lookup(table: &[(u32, &'static str)], code: u32) -> Option<&'static str> {
    table
        .iter()
        .find(|&&(c, _)| c == code)
        .map(|&(_, name)| name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strictly_sorted(table: &[(u32, &str)]) -> bool {
        table.windows(2).all(|w| w[0].0 < w[1].0)
    }

    #[test]
    fn tables_are_sorted_and_unique() {
        for table in [RESTART_CAUSES, DHCP_STATUS, DNS_STATUS] {
            assert!(strictly_sorted(table));
            assert!(table.iter().all(|(_, name)| !name.is_empty()));
        }
    }

    #[test]
    fn restart_causes_match_domain_list() {
        // 0..=26, 29..=32, 100..=108.
        let codes: Vec<u32> = RESTART_CAUSES.iter().map(|&(c, _)| c).collect();
        let expected: Vec<u32> = (0..=26).chain(29..=32).chain(100..=108).collect();
        assert_eq!(codes, expected);
        assert_eq!(lookup(RESTART_CAUSES, 23), Some("Reset-Restart"));
        assert_eq!(lookup(RESTART_CAUSES, 25), Some("Initialized"));
        assert_eq!(lookup(RESTART_CAUSES, 0), Some("Load Rejected HC"));
        assert_eq!(lookup(RESTART_CAUSES, 108), Some("VPN lost"));
        assert_eq!(lookup(RESTART_CAUSES, 27), None);
        assert_eq!(lookup(RESTART_CAUSES, 28), None);
        assert_eq!(lookup(RESTART_CAUSES, 33), None);
    }

    #[test]
    fn status_tables() {
        assert_eq!(lookup(DHCP_STATUS, 1), Some("good"));
        assert_eq!(lookup(DHCP_STATUS, 3), Some("disabled"));
        assert_eq!(lookup(DHCP_STATUS, 0), None);
        assert_eq!(
            lookup(DNS_STATUS, 4),
            Some("not applicable (address configured)")
        );
        // Seen in seeds/002 but undocumented.
        assert_eq!(lookup(DNS_STATUS, 0), None);
    }
}
