//! Who takes part in a lab: the phone's identity, the two CUCM clusters, their ports and
//! TCP stack behaviour. The article's lab is the default ([`ARTICLE_SITE`]); other sites
//! (other phones, other clusters) are built at run time for the multi-phone captures.

use std::borrow::Cow;

use crate::clock::Micros;
use crate::net::{fmt_ip, Host, Ipv4, Mac};
use crate::prng::Prng;
use crate::tcp::{Endpoint, Stack};

/// Text of an identity: borrowed for the article's constants, owned for generated sites.
pub type Text = Cow<'static, str>;

const fn text(s: &'static str) -> Text {
    Cow::Borrowed(s)
}

pub const SIP_PORT: u16 = 5060;
pub const TFTP_PORT: u16 = 69;
pub const TFTP_HTTP_PORT: u16 = 6970;
pub const EMAPP_PORT: u16 = 8080;
pub const TVS_PORT: u16 = 2445;

/// Linux quick-ack delay (the article's ACKs follow data by 0.1-0.3 ms).
pub const QUICK_ACK: Micros = 180;
/// Linux delayed ACK: CUCM's SIP stack answers within it, so its ACKs ride on responses.
pub const DELAYED_ACK: Micros = 40_000;

/// The call-signalling protocol a phone's firmware speaks to CUCM.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Signalling {
    /// SIP over TCP 5060: REGISTER, NOTIFY restart, alarm REFERs.
    Sip,
    /// SCCP (Skinny) over TCP 2000: Register, Reset, Alarm and EnhancedAlarm.
    Sccp,
}

/// A phone model and the firmware it runs.
pub struct Model {
    pub name: &'static str,
    /// CUCM's model enumeration (`tkmodel`), which the REGISTER's Contact carries; CUCM
    /// numbers Skinny device types the same way (`skinny.deviceType`).
    pub enumeration: &'static str,
    pub load: &'static str,
    pub inactive_load: &'static str,
    /// The SIP User-Agent (an SCCP load sends no SIP, so it is never written).
    pub user_agent: &'static str,
    /// Decided by the load: the same hardware may run either.
    pub signalling: Signalling,
}

impl Model {
    /// The Skinny Register's deviceType.
    pub fn device_type(&self) -> u32 {
        self.enumeration.parse().expect("a numeric tkmodel")
    }
}

/// The article's phone: `tkmodel=621` in its EMService log.
pub const CP_7821: Model = Model {
    name: "CP-7821",
    enumeration: "621",
    load: "sip78xx.12-1-1-12",
    inactive_load: "sip78xx.10-3-1-12",
    user_agent: "Cisco-CP7821/12.1.1",
    signalling: Signalling::Sip,
};

/// The 7821's four-line sibling, same firmware family.
pub const CP_7841: Model = Model {
    name: "CP-7841",
    enumeration: "623",
    load: "sip78xx.12-1-1-12",
    inactive_load: "sip78xx.10-3-1-12",
    user_agent: "Cisco-CP7841/12.1.1",
    signalling: Signalling::Sip,
};

/// A CP-7961G on SCCP firmware (the model of the SCCP alarm in FreeSWITCH's mod_skinny
/// tests, see domain.md); tkmodel 30018, packet-skinny.c's `DeviceType` 0x7542 "7961G".
/// The load names follow Cisco's SCCP41 naming; no public capture gives this phone's.
pub const CP_7961: Model = Model {
    name: "CP-7961G",
    enumeration: "30018",
    load: "SCCP41.9-4-2SR3-1S",
    inactive_load: "SCCP41.9-3-1SR4-1S",
    user_agent: "Cisco-CP7961G/9.4.2",
    signalling: Signalling::Sccp,
};

/// A CP-7965G on SCCP firmware (SCCP45, the 7945G/7965G loads): tkmodel 436,
/// packet-skinny.c's `DeviceType` 0x1b4 "7965".
pub const CP_7965: Model = Model {
    name: "CP-7965G",
    enumeration: "436",
    load: "SCCP45.9-4-2SR3-1S",
    inactive_load: "SCCP45.9-3-1SR4-1S",
    user_agent: "Cisco-CP7965G/9.4.2",
    signalling: Signalling::Sccp,
};

/// One phone and the user who logs in on it.
pub struct PhoneId {
    pub host: Host,
    /// `host.ip` written out (every SIP header and alarm names it).
    pub ip: Text,
    /// `SEP` and the MAC address in upper-case hex.
    pub device_name: Text,
    pub model: &'static Model,
    /// The phone's SIP contact user, a UUID (the home cluster's REFER targets it).
    pub contact_user: Text,
    pub user_id: Text,
    /// The PIN, which EMApp carries in the clear in the `seq` parameter.
    pub pin: Text,
    pub device_profile: Text,
    /// The phone's default router: it answers ARP for off-subnet clusters.
    pub gateway: Host,
    /// The CDP neighbour the phone reports in LastOutOfServiceInformation.
    pub switch_ip: Text,
    pub switch_name: Text,
    pub switch_port: Text,
    /// The device's uuid in CUCM, on the `<device>` element of its configuration file.
    pub config_uuid: Text,
    /// Local TCP ports: signalling (SIP, or Skinny for an SCCP load) to the visiting and
    /// to the home cluster, the TVS session.
    pub sip_port_vc: u16,
    pub sip_port_hc: u16,
    pub tvs_port: u16,
    /// TCP timestamp (100 Hz) at capture time zero.
    pub ts_origin: u32,
    /// Prefix of every seed label drawn for this phone, so two phones never share TCP
    /// sequence numbers or SIP tags. Empty for the article's phone: its captures were
    /// seeded before phones had identities.
    pub seed: Text,
}

/// The article's phone, SEPC80084AA8743 at 192.168.7.104, user adgjm.
pub const ARTICLE_PHONE: PhoneId = PhoneId {
    host: Host {
        mac: [0xc8, 0x00, 0x84, 0xaa, 0x87, 0x43],
        ip: [192, 168, 7, 104],
    },
    ip: text("192.168.7.104"),
    device_name: text("SEPC80084AA8743"),
    model: &CP_7821,
    contact_user: text("04984998-fe29-08c0-6d47-5593bf4ce606"),
    user_id: text("adgjm"),
    pin: text("134679"),
    device_profile: text("test_emcc_udp"),
    // The router's MAC is invented: the article's clusters share the phone's subnet, so
    // no frame of the lab carries it.
    gateway: Host {
        mac: [0x00, 0x1e, 0x7a, 0x3c, 0x07, 0x01],
        ip: [192, 168, 7, 1],
    },
    switch_ip: text("192.168.7.2"),
    // The phone's log in the article names its CDP neighbour "HQSW".
    switch_name: text("HQSW"),
    switch_port: text("GigabitEthernet1/0/5"),
    config_uuid: text("{b5a73ec1-a04d-5ad3-fa7f-e38c501800f7}"),
    sip_port_vc: 49921,
    sip_port_hc: 50600,
    tvs_port: 51672,
    ts_origin: 211_722,
    seed: text(""),
};

impl PhoneId {
    /// A phone at `ip` (on a /24 whose router is `.1`, its access switch `.2`) with the
    /// given model and user; everything else (contact and device UUIDs, local ports, TCP
    /// clock) is drawn from a generator seeded by its device name.
    pub fn generated(mac: Mac, ip: Ipv4, model: &'static Model, user: &str, pin: &str) -> PhoneId {
        let device_name = format!("SEP{}", hex::encode_upper(mac));
        let mut rng = Prng::from_label(&device_name);
        let mut uuid = || {
            format!(
                "{}-{}-{}-{}-{}",
                rng.hex(8),
                rng.hex(4),
                rng.hex(4),
                rng.hex(4),
                rng.hex(12)
            )
        };
        let contact_user = uuid();
        let config_uuid = format!("{{{}}}", uuid());
        let subnet = |last: u8| [ip[0], ip[1], ip[2], last];
        PhoneId {
            host: Host { mac, ip },
            ip: ip_text(ip),
            device_name: Cow::Owned(device_name.clone()),
            model,
            contact_user: Cow::Owned(contact_user),
            user_id: Cow::Owned(user.to_string()),
            pin: Cow::Owned(pin.to_string()),
            device_profile: Cow::Owned(format!("emcc_{user}")),
            gateway: Host {
                mac: router_mac(ip),
                ip: subnet(1),
            },
            switch_ip: ip_text(subnet(2)),
            switch_name: Cow::Owned(format!("SW-{}-{}", ip[1], ip[2])),
            switch_port: Cow::Owned(format!("GigabitEthernet1/0/{}", ip[3] % 48 + 1)),
            config_uuid: Cow::Owned(config_uuid),
            sip_port_vc: rng.range(49_152, 50_400) as u16,
            sip_port_hc: rng.range(50_400, 51_600) as u16,
            tvs_port: rng.range(51_600, 52_800) as u16,
            ts_origin: rng.range(100_000, 4_000_000) as u32,
            seed: Cow::Owned(device_name),
        }
    }

    pub fn endpoint(&self, port: u16) -> Endpoint {
        Endpoint {
            host: self.host,
            port,
        }
    }

    /// The phone's stack: window 29200 scaled by 16, 100 Hz timestamps (215005 at 32.833 s
    /// for the article's phone).
    pub fn stack(&self) -> Stack {
        Stack {
            window: 29_200,
            window_scale: 4,
            window_step: 2_224,
            window_max: 29_200 * 8,
            ts_hz: 100,
            ts_origin: self.ts_origin,
            ack_delay: QUICK_ACK,
            ttl: 64,
        }
    }

    /// The MAC address in lower-case hex, as the phone writes it into its identifiers.
    pub fn mac_hex(&self) -> String {
        hex::encode(self.host.mac)
    }

    /// A seed label for something of this phone's.
    pub fn seed_label(&self, what: &str) -> String {
        if self.seed.is_empty() {
            what.to_string()
        } else {
            format!("{}/{what}", self.seed)
        }
    }

    /// Is `ip` on the phone's /24, reached without the router?
    pub fn on_link(&self, ip: [u8; 4]) -> bool {
        ip[..3] == self.host.ip[..3]
    }

    /// Whom the phone asks ARP for to reach `to`: the host itself on its subnet, else
    /// its router.
    pub fn next_hop(&self, to: &Host) -> Host {
        if self.on_link(to.ip) {
            *to
        } else {
            self.gateway
        }
    }
}

#[derive(Clone)]
pub struct Cluster {
    /// The CUCM node the phone talks to. Captures are taken on the phone's LAN, so `mac`
    /// is the one its frames carry there: the node's own when it shares the phone's subnet
    /// (the article's lab), the phone's router's when it does not.
    pub host: Host,
    pub ip: Text,
    pub fqdn: Text,
    /// EMCC cluster id: the home cluster's log calls the visiting one "ClusterOne",
    /// the visiting cluster's log calls the home one "ClusterTwo".
    pub cluster_id: Text,
    /// The phone's line while registered here: the visiting cluster's own line before
    /// the login, the user's device profile line on the home cluster.
    pub line_dn: Text,
    /// Seeds every value drawn for this cluster (certificates, signatures, SIP tags).
    pub label: Text,
    /// TCP timestamp at capture time zero (the article's VC ticks 1807489 at 32.833 s).
    pub ts_origin: u32,
    /// Validity of the cluster's self-signed certificates (UTCTime).
    pub certs_not_before: Text,
    pub certs_not_after: Text,
    /// When the cluster last regenerated its ITL and softkey file (Unix seconds).
    pub files_unix: u32,
}

pub const VISITING: Cluster = Cluster {
    host: Host {
        mac: [0x00, 0x50, 0x56, 0x8a, 0x3c, 0x11],
        ip: [192, 168, 7, 100],
    },
    ip: text("192.168.7.100"),
    fqdn: text("cucm-vc.lab.local"),
    cluster_id: text("ClusterOne"),
    line_dn: text("1000"),
    label: text("vc"),
    ts_origin: 1_774_656,
    certs_not_before: text("180502143012Z"),
    certs_not_after: text("230501143011Z"),
    files_unix: 1_550_846_224,
};

pub const HOME: Cluster = Cluster {
    host: Host {
        mac: [0x00, 0x50, 0x56, 0x8a, 0x51, 0xc8],
        ip: [192, 168, 7, 200],
    },
    ip: text("192.168.7.200"),
    fqdn: text("cucm-hc.lab.local"),
    cluster_id: text("ClusterTwo"),
    line_dn: text("2222"),
    label: text("hc"),
    ts_origin: 2_408_339,
    certs_not_before: text("180611091533Z"),
    certs_not_after: text("230610091532Z"),
    files_unix: 1_550_861_907,
};

impl Cluster {
    pub fn endpoint(&self, port: u16) -> Endpoint {
        Endpoint {
            host: self.host,
            port,
        }
    }

    pub fn stack(&self, ack_delay: Micros) -> Stack {
        server_stack(self.ts_origin, ack_delay)
    }
}

/// A Linux server's stack as CUCM's shows: window 14480 scaled by 128, 1000 Hz timestamps.
pub fn server_stack(ts_origin: u32, ack_delay: Micros) -> Stack {
    Stack {
        window: 14_480,
        window_scale: 7,
        window_step: 1_408,
        window_max: 14_480 * 16,
        ts_hz: 1_000,
        ts_origin,
        ack_delay,
        ttl: 64,
    }
}

/// The router of a generated phone's /24 (a made-up Cisco MAC per subnet).
pub fn router_mac(ip: Ipv4) -> Mac {
    [0x00, 0x26, 0x0b, ip[1], ip[2], 0x01]
}

/// A phone and the two clusters of its EMCC login.
pub struct Site {
    pub phone: PhoneId,
    pub visiting: Cluster,
    pub home: Cluster,
}

/// The article's lab.
pub static ARTICLE_SITE: Site = Site {
    phone: ARTICLE_PHONE,
    visiting: VISITING,
    home: HOME,
};

/// The address as text, for identities built at run time.
pub fn ip_text(ip: Ipv4) -> Text {
    Cow::Owned(fmt_ip(ip))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn article_texts_agree_with_addresses() {
        let p = &ARTICLE_PHONE;
        assert_eq!(p.ip, fmt_ip(p.host.ip));
        assert_eq!(p.device_name, format!("SEP{}", p.mac_hex().to_uppercase()));
        for c in [&VISITING, &HOME] {
            assert_eq!(c.ip, fmt_ip(c.host.ip));
        }
        assert!(p.on_link(VISITING.host.ip) && p.on_link(HOME.host.ip));
        assert_eq!(p.seed_label("tvs session"), "tvs session");
    }

    #[test]
    fn generated_phones_derive_their_identity() {
        let mac = [0x00, 0xeb, 0xd5, 0xa1, 0xc2, 0x01];
        let p = PhoneId::generated(mac, [10, 20, 5, 21], &CP_7841, "jdupont", "482913");
        assert_eq!(p.device_name, "SEP00EBD5A1C201");
        assert_eq!(p.ip, "10.20.5.21");
        assert_eq!(p.mac_hex(), "00ebd5a1c201");
        assert_eq!(p.gateway.ip, [10, 20, 5, 1]);
        assert_eq!(p.device_profile, "emcc_jdupont");
        assert_eq!(p.seed_label("lab"), "SEP00EBD5A1C201/lab");
        assert_eq!(p.contact_user.len(), 36);
        let ports = [p.sip_port_vc, p.sip_port_hc, p.tvs_port];
        assert!(ports[0] < ports[1] && ports[1] < ports[2], "{ports:?}");
        assert!(!p.on_link(VISITING.host.ip));
        assert_eq!(p.next_hop(&VISITING.host), p.gateway);
        let again = PhoneId::generated(mac, [10, 20, 5, 21], &CP_7841, "jdupont", "482913");
        assert_eq!(again.contact_user, p.contact_user);
        let other = PhoneId::generated(
            [0, 0xeb, 0xd5, 0xa1, 0xc2, 0x02],
            [10, 20, 5, 22],
            &CP_7821,
            "x",
            "1",
        );
        assert_ne!(other.contact_user, p.contact_user);
    }
}
