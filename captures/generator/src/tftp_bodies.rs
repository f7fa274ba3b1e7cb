//! `ciscotl-tftp`: file bodies carried by TFTP. The home cluster, in mixed mode for this
//! capture, answers the lab phone's CTL request over HTTP with 503; the phone falls back
//! to TFTP and gets the CTL block by block. Then, all over TFTP: the ITL with a
//! negotiated block size (OACK), the signed configuration (a first attempt the server
//! aborts with an error in the middle, then a complete retry), the softkey template with
//! one DATA packet the sniffer missed, and the unsigned configuration, during which the
//! capture ends.
//!
//! Each transfer follows RFC 1350: the read request goes to port 69, the server answers
//! from a fresh port, the phone acknowledges every block, and a block shorter than the
//! block size (possibly empty) ends the file.

use crate::capture::{Capture, FrameId};
use crate::clock::{secs, unix_secs, us, Micros};
use crate::cluster_files::{self, SOFTKEY_FILE};
use crate::downloads::no_file;
use crate::lab::{Lab, Node};
use crate::phone_config::{device_config, ConfigKind, ConfigSpec};
use crate::tcp::Endpoint;
use crate::tftp;
use crate::topology::{TFTP_PORT, VISITING};

/// What happens to a transfer.
#[derive(Clone, Copy)]
pub enum Fate {
    /// Every block arrives and is acknowledged.
    Complete,
    /// The sniffer misses the DATA packet of this block; the phone got it (its ACK is in
    /// the capture) and the transfer completes.
    Missed(u16),
    /// The capture ends right after this block's DATA packet.
    CutAfter(u16),
    /// The phone's ACK of the block after `acked` never comes: the server sends that
    /// block `resends` more times, one `timeout` apart, then gives up with an error.
    ServerGivesUp {
        acked: u16,
        resends: u32,
        timeout: Micros,
        code: u16,
        message: &'static str,
    },
}

/// One TFTP read of the lab phone.
pub struct TftpRead<'a> {
    pub node: Node,
    pub t: Micros,
    pub file: &'a str,
    pub body: &'a [u8],
    /// Options the phone asks for; the server accepts `blksize` and answers `tsize` with
    /// the file's size.
    pub options: &'a [(&'a str, &'a str)],
    pub fate: Fate,
}

pub struct TftpFrames {
    pub request: FrameId,
    /// When the transfer's last packet leaves (final ACK, error, or the DATA the capture
    /// ends on).
    pub end: Micros,
}

/// Splits a file into blocks: a file whose size is a multiple of the block size ends with
/// an empty block.
fn blocks(body: &[u8], size: usize) -> Vec<&[u8]> {
    let mut out: Vec<&[u8]> = body.chunks(size).collect();
    if body.len() % size == 0 {
        out.push(&[]);
    }
    out
}

impl Lab<'_> {
    pub fn tftp_read(&mut self, r: &TftpRead) -> TftpFrames {
        let c = self.cluster(r.node);
        let port = self.ephemeral_port();
        let phone = self.phone_id().endpoint(port);
        let server = Endpoint {
            host: c.host,
            port: self.rng().range(32_768, 61_000) as u16,
        };
        let rrq = tftp::read_request(r.file, "octet", r.options);
        let request = self.udp(phone, c.endpoint(TFTP_PORT), r.t, &rrq);
        let mut t = r.t + self.rng().range(900, 1_600);
        let mut block_size = tftp::DEFAULT_BLOCK_SIZE;
        if !r.options.is_empty() {
            let size = r.body.len().to_string();
            let mut accepted = Vec::new();
            for &(name, value) in r.options {
                match name {
                    "blksize" => {
                        block_size = value.parse().expect("numeric blksize");
                        accepted.push((name, value));
                    }
                    "tsize" => accepted.push((name, size.as_str())),
                    _ => {}
                }
            }
            let oack = self.udp(server, phone, t, &tftp::option_ack(&accepted));
            self.note(oack, "OACK: the server accepts the options");
            t += self.rng().range(300, 800);
            self.udp(phone, server, t, &tftp::ack(0));
            t += self.rng().range(100, 400);
        }
        let blocks = blocks(r.body, block_size);
        let count = blocks.len();
        for (i, bytes) in blocks.into_iter().enumerate() {
            let n = (i + 1) as u16;
            let data = tftp::data(n, bytes);
            match r.fate {
                Fate::ServerGivesUp {
                    acked,
                    resends,
                    timeout,
                    code,
                    message,
                } if n == acked + 1 => {
                    let first = self.udp(server, phone, t, &data);
                    self.note(
                        first,
                        &format!("block {n}: the phone never acknowledges it"),
                    );
                    for k in 1..=resends {
                        t += timeout;
                        let again = self.udp(server, phone, t, &data);
                        self.note(again, &format!("block {n} sent again ({k})"));
                    }
                    t += timeout;
                    let error = self.udp(server, phone, t, &tftp::error(code, message));
                    self.note(
                        error,
                        &format!("the server gives up: Error {code} {message}"),
                    );
                    return TftpFrames { request, end: t };
                }
                Fate::Missed(missed) if n == missed => {
                    // Sent and received, but not by the sniffer.
                }
                _ => {
                    let id = self.udp(server, phone, t, &data);
                    if n as usize == count {
                        let what = format!(
                            "last block {n} ({} bytes) of {}, {} bytes in all",
                            bytes.len(),
                            r.file,
                            r.body.len()
                        );
                        self.note(id, &what);
                    }
                    if matches!(r.fate, Fate::CutAfter(cut) if cut == n) {
                        self.note(id, &format!("the capture ends after block {n}"));
                        return TftpFrames { request, end: t };
                    }
                }
            }
            t += self.rng().range(300, 900);
            let ack = self.udp(phone, server, t, &tftp::ack(n));
            if matches!(r.fate, Fate::Missed(missed) if missed == n) {
                self.note(
                    ack,
                    &format!("ACK {n}: the DATA of block {n} is missing from the capture"),
                );
            }
            t += self.rng().range(100, 400);
        }
        TftpFrames { request, end: t }
    }
}

pub fn ciscotl_tftp() -> Capture {
    let mut lab = Lab::new("ciscotl-tftp");
    let node = Node::Home;
    let home = lab.cluster(node);
    let phone = lab.phone_id();
    let device = &phone.device_name;
    let ctl_name = format!("CTL{device}.tlv");
    let itl_name = format!("ITL{device}.tlv");
    let config_name = format!("{device}.cnf.xml.sgn");

    let t0 = secs(1);
    let f = lab.download(
        node,
        t0,
        &ctl_name,
        t0 + us(339),
        &no_file(503, "Service Unavailable"),
    );
    lab.note(f.request.last, "GET CTL from the home cluster (mixed mode)");
    lab.note(f.response.last, "503: the phone falls back to TFTP");

    let ctl = cluster_files::ctl(home);
    let read = lab.tftp_read(&TftpRead {
        node,
        t: t0 + us(772_852),
        file: &ctl_name,
        body: &ctl,
        options: &[],
        fate: Fate::Complete,
    });
    lab.note(
        read.request,
        "TFTP fallback: read request for the CTL, no options",
    );

    let itl = cluster_files::itl(home);
    let read = lab.tftp_read(&TftpRead {
        node,
        t: read.end + us(181_204),
        file: &itl_name,
        body: &itl,
        options: &[("blksize", "1468"), ("tsize", "0")],
        fate: Fate::Complete,
    });
    lab.note(read.request, "ITL over TFTP, asking blksize 1468 and tsize");

    let stamp = unix_secs(read.end) - 7;
    let config =
        cluster_files::signed_config(phone, home, &VISITING, ConfigKind::HomeProfile, stamp);
    let t = read.end + us(1_204_377);
    let read = lab.tftp_read(&TftpRead {
        node,
        t,
        file: &config_name,
        body: &config,
        options: &[],
        fate: Fate::ServerGivesUp {
            acked: 3,
            resends: 2,
            timeout: secs(1),
            code: tftp::ERROR_NOT_DEFINED,
            message: "Transfer timed out",
        },
    });
    lab.note(
        read.request,
        "signed configuration over TFTP, first attempt",
    );
    let read = lab.tftp_read(&TftpRead {
        node,
        t: read.end + us(2_016_530),
        file: &config_name,
        body: &config,
        options: &[],
        fate: Fate::Complete,
    });
    lab.note(read.request, "signed configuration again");

    let softkeys = cluster_files::signed_softkeys(home);
    let softkey_name = format!("{SOFTKEY_FILE}.sgn");
    let read = lab.tftp_read(&TftpRead {
        node,
        t: read.end + us(840_112),
        file: &softkey_name,
        body: &softkeys,
        options: &[],
        fate: Fate::Missed(3),
    });
    lab.note(read.request, "softkey template over TFTP");

    let stamp_text = cluster_files::version_stamp(home, "config", stamp);
    let plain = device_config(&ConfigSpec {
        phone,
        cluster: home,
        visiting: &VISITING,
        kind: ConfigKind::HomeProfile,
        version_stamp: &stamp_text,
    });
    let read = lab.tftp_read(&TftpRead {
        node,
        t: read.end + us(512_664),
        file: &format!("{device}.cnf.xml"),
        body: plain.as_bytes(),
        options: &[],
        fate: Fate::CutAfter(2),
    });
    lab.note(read.request, "unsigned configuration over TFTP");
    lab.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_of_whole_blocks_ends_with_an_empty_block() {
        assert_eq!(blocks(&[1; 1024], 512).len(), 3);
        assert_eq!(blocks(&[1; 1025], 512).len(), 3);
        assert_eq!(blocks(&[], 512), vec![&[] as &[u8]]);
    }

    #[test]
    fn the_capture_ends_with_the_cut_transfer() {
        let cap = ciscotl_tftp();
        let frames = cap.frames();
        let last = frames.last().unwrap();
        let comment = last.comment.as_deref().unwrap_or("");
        assert!(comment.contains("capture ends after block 2"), "{comment}");
    }
}
