//! UDP datagrams of TFTP conversations as the ciscotl post-dissector hands them
//! to its tracker (src/ciscotl/tftp_wire.rs), each once and in frame order:
//! requests to port 69, answers from fresh ports, blocks, errors, OACKs and
//! garbage between a few hosts and ports.
#![no_main]

use emcc::harness::ciscotl::{parse_tftp, tftp_shown, Datagram, Shown, TftpTracker};
use fuzz_support::{number, word, Result, Unstructured};
use libfuzzer_sys::fuzz_target;

const HOSTS: &[&str] = &["10.0.0.1", "10.0.0.2", "10.0.0.200"];
const PORTS: &[u32] = &[69, 50000, 50001, 61000, 0, 65535];
const MAX_DATAGRAMS: usize = 512;
const MAX_PAYLOAD: usize = 1500;

fn run(u: &mut Unstructured) -> Result<()> {
    let mut tracker = TftpTracker::new();
    let mut frame = 0u32;
    for _ in 0..MAX_DATAGRAMS {
        if u.is_empty() {
            break;
        }
        frame += 1 + u.int_in_range(0..=3u32)?;
        let src = word(u, HOSTS)?;
        let dst = word(u, HOSTS)?;
        let src_port = number(u, PORTS)? as u16;
        let dst_port = number(u, PORTS)? as u16;
        let len = u.int_in_range(0..=MAX_PAYLOAD)?;
        let payload = u.bytes(len.min(u.len()))?.to_vec();
        let datagram = Datagram {
            frame,
            src: &src,
            dst: &dst,
            src_port,
            dst_port,
            payload: &payload,
        };
        let told = tracker.dissect(&datagram);
        // A packet belongs to a request seen before it, or to none.
        assert!(told.request_frame <= frame);
        let Some(message) = parse_tftp(&payload) else {
            continue;
        };
        match tftp_shown(&message, &told, &payload) {
            Some(Shown::Request { item, .. }) => assert!(item.end <= payload.len()),
            Some(Shown::Data { own, request, .. }) => {
                if let Some(own) = own {
                    assert!(own.start <= own.end && own.end <= payload.len());
                }
                assert_eq!(request, told.request_frame);
            }
            Some(Shown::Options { request, .. }) | Some(Shown::Error { request, .. }) => {
                assert_eq!(request, told.request_frame)
            }
            None => {}
        }
    }
    let _ = (tracker.is_full(), tracker.full_at());
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let _ = run(&mut Unstructured::new(data));
});
