//! The article's lab: hosts, names, numbers, ports and TCP stack behaviour.

use crate::clock::Micros;
use crate::net::Host;
use crate::tcp::{Endpoint, Stack};

pub const PHONE: Host = Host {
    mac: [0xc8, 0x00, 0x84, 0xaa, 0x87, 0x43],
    ip: [192, 168, 7, 104],
};
pub const PHONE_IP: &str = "192.168.7.104";
pub const DEVICE_NAME: &str = "SEPC80084AA8743";
pub const MODEL_NAME: &str = "CP-7821";
/// CUCM's model enumeration for the 7821 (`tkmodel=621` in the article's EMService log).
pub const MODEL_ENUM: &str = "621";
pub const LOAD: &str = "sip78xx.12-1-1-12";
pub const INACTIVE_LOAD: &str = "sip78xx.10-3-1-12";
pub const USER_AGENT: &str = "Cisco-CP7821/12.1.1";
/// The phone's SIP contact user, a UUID (the home cluster's REFER targets it in frame 586).
pub const CONTACT_USER: &str = "04984998-fe29-08c0-6d47-5593bf4ce606";
pub const USER_ID: &str = "adgjm";
/// The PIN, which EMApp carries in the clear in the `seq` parameter.
pub const PIN: &str = "134679";
pub const DEVICE_PROFILE: &str = "test_emcc_udp";
pub const GATEWAY: &str = "192.168.7.1";

pub const SIP_PORT: u16 = 5060;
pub const TFTP_PORT: u16 = 69;
pub const TFTP_HTTP_PORT: u16 = 6970;
pub const EMAPP_PORT: u16 = 8080;
pub const TVS_PORT: u16 = 2445;
pub const PHONE_SIP_PORT_VC: u16 = 49921;
pub const PHONE_SIP_PORT_HC: u16 = 50600;
pub const PHONE_TVS_PORT: u16 = 51672;

/// Linux quick-ack delay (the article's ACKs follow data by 0.1-0.3 ms).
pub const QUICK_ACK: Micros = 180;
/// Linux delayed ACK: CUCM's SIP stack answers within it, so its ACKs ride on responses.
pub const DELAYED_ACK: Micros = 40_000;

pub struct Cluster {
    pub host: Host,
    pub ip: &'static str,
    pub fqdn: &'static str,
    /// EMCC cluster id: the home cluster's log calls the visiting one "ClusterOne",
    /// the visiting cluster's log calls the home one "ClusterTwo".
    pub cluster_id: &'static str,
    /// The phone's line while registered here: the visiting cluster's own line before
    /// the login, the user's device profile line on the home cluster.
    pub line_dn: &'static str,
    /// Seeds every value drawn for this cluster.
    pub label: &'static str,
    /// TCP timestamp at capture time zero (the article's VC ticks 1807489 at 32.833 s).
    ts_origin: u32,
}

pub const VISITING: Cluster = Cluster {
    host: Host {
        mac: [0x00, 0x50, 0x56, 0x8a, 0x3c, 0x11],
        ip: [192, 168, 7, 100],
    },
    ip: "192.168.7.100",
    fqdn: "cucm-vc.lab.local",
    cluster_id: "ClusterOne",
    line_dn: "1000",
    label: "vc",
    ts_origin: 1_774_656,
};

pub const HOME: Cluster = Cluster {
    host: Host {
        mac: [0x00, 0x50, 0x56, 0x8a, 0x51, 0xc8],
        ip: [192, 168, 7, 200],
    },
    ip: "192.168.7.200",
    fqdn: "cucm-hc.lab.local",
    cluster_id: "ClusterTwo",
    line_dn: "2222",
    label: "hc",
    ts_origin: 2_408_339,
};

impl Cluster {
    pub fn endpoint(&self, port: u16) -> Endpoint {
        Endpoint {
            host: self.host,
            port,
        }
    }

    pub fn stack(&self, ack_delay: Micros) -> Stack {
        Stack {
            window: 14_480,
            window_scale: 7,
            window_step: 1_408,
            window_max: 14_480 * 16,
            ts_hz: 1_000,
            ts_origin: self.ts_origin,
            ack_delay,
            ttl: 64,
        }
    }
}

pub fn phone_endpoint(port: u16) -> Endpoint {
    Endpoint { host: PHONE, port }
}

/// The phone's stack: window 29200 scaled by 16, 100 Hz timestamps (215005 at 32.833 s).
pub fn phone_stack() -> Stack {
    Stack {
        window: 29_200,
        window_scale: 4,
        window_step: 2_224,
        window_max: 29_200 * 8,
        ts_hz: 100,
        ts_origin: 211_722,
        ack_delay: QUICK_ACK,
        ttl: 64,
    }
}
