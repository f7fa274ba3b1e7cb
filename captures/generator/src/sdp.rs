//! SDP bodies (RFC 4566) of a voice call: one audio stream, G.711 µ-law and DTMF events.
//! Wireshark's SDP dissector reads the `c=` address and `m=` port of offer and answer and
//! decodes the UDP packets between them as RTP.

use crate::net::{fmt_ip, Ipv4};

/// Who writes the body, as its `o=` line names the software.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Writer {
    /// A Cisco phone (`Cisco-SIPUA`), which offers G.711 µ-law, A-law and G.729.
    Phone,
    /// CUCM relaying the gateway's media (`CiscoSystemsCCM-SIP`), G.711 µ-law only.
    Cucm,
}

/// One audio stream's description.
pub struct Audio {
    pub writer: Writer,
    pub session_id: u32,
    pub ip: Ipv4,
    pub port: u16,
}

impl Audio {
    pub fn encode(&self) -> String {
        let ip = fmt_ip(self.ip);
        let (origin, version, payloads) = match self.writer {
            Writer::Phone => ("Cisco-SIPUA", 0, "0 8 18 101"),
            Writer::Cucm => ("CiscoSystemsCCM-SIP", 1, "0 101"),
        };
        let mut s = format!(
            "v=0\r\no={origin} {} {version} IN IP4 {ip}\r\ns=SIP Call\r\nt=0 0\r\n\
             m=audio {} RTP/AVP {payloads}\r\nc=IN IP4 {ip}\r\n\
             a=rtpmap:0 PCMU/8000\r\n",
            self.session_id, self.port
        );
        if self.writer == Writer::Phone {
            s.push_str("a=rtpmap:8 PCMA/8000\r\na=rtpmap:18 G729/8000\r\na=fmtp:18 annexb=yes\r\n");
        }
        s.push_str(
            "a=ptime:20\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=sendrecv\r\n",
        );
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_lines_name_address_and_port() {
        let body = Audio {
            writer: Writer::Phone,
            session_id: 4242,
            ip: [10, 100, 0, 21],
            port: 24_580,
        }
        .encode();
        assert!(body.starts_with("v=0\r\no=Cisco-SIPUA 4242 0 IN IP4 10.100.0.21\r\n"));
        assert!(body.contains("\r\nm=audio 24580 RTP/AVP 0 8 18 101\r\nc=IN IP4 10.100.0.21\r\n"));
        assert!(body.ends_with("a=sendrecv\r\n"));
        let cucm = Audio {
            writer: Writer::Cucm,
            session_id: 1,
            ip: [10, 20, 0, 41],
            port: 17_002,
        }
        .encode();
        assert!(cucm.contains("m=audio 17002 RTP/AVP 0 101\r\n"));
        assert!(!cucm.contains("G729"));
    }
}
