//! A CTL or ITL file (`.tlv`), as carried by HTTP or put together from TFTP
//! blocks.
#![no_main]

use emcc::harness::ciscotl::parse_trust_list;
use fuzz_support::within;
use libfuzzer_sys::fuzz_target;

/// The parser's documented limits (src/ciscotl/trustlist.rs).
const MAX_RECORDS: usize = 256;
const MAX_PROBLEMS: usize = 32;

fuzz_target!(|data: &[u8]| {
    let list = parse_trust_list(data);
    let n = data.len();
    let h = &list.header;
    let mut spans = vec![h.span];
    spans.extend(h.version.as_ref().map(|v| v.span));
    spans.extend(h.header_len.as_ref().map(|v| v.span));
    spans.extend(h.signer_id);
    spans.extend(h.signer_version.as_ref().map(|v| v.span));
    spans.extend(h.signer_name.as_ref().map(|v| v.span));
    spans.extend(h.serial.as_ref().map(|v| v.span));
    spans.extend(h.ca_name.as_ref().map(|v| v.span));
    spans.extend(h.signature_info);
    spans.extend(h.digest_alg.as_ref().map(|v| v.span));
    spans.extend(h.signature_alg.as_ref().map(|v| v.span));
    spans.extend(h.modulus_bits.as_ref().map(|v| v.span));
    spans.extend(h.signature);
    spans.extend(h.padding);
    spans.extend(h.filename.as_ref().map(|v| v.span));
    spans.extend(h.timestamp.as_ref().map(|v| v.span));
    spans.extend(h.unknown.iter().map(|(_, s)| *s));
    assert!(list.records.len() <= MAX_RECORDS);
    for r in &list.records {
        spans.push(r.span);
        spans.extend(r.length.as_ref().map(|v| v.span));
        spans.extend(r.function.as_ref().map(|v| v.span));
        spans.extend(r.dns_name.as_ref().map(|v| v.span));
        spans.extend(r.subject.as_ref().map(|v| v.span));
        spans.extend(r.issuer.as_ref().map(|v| v.span));
        spans.extend(r.serial.as_ref().map(|v| v.span));
        spans.extend(r.ip.as_ref().map(|v| v.span));
        spans.extend(r.certificate);
        spans.extend(r.public_key);
        spans.extend(r.signature);
        spans.extend(r.cert_hash);
        spans.extend(r.hash_alg.as_ref().map(|v| v.span));
        spans.extend(r.unknown.iter().map(|(_, s)| *s));
    }
    assert!(list.problems.len() <= MAX_PROBLEMS);
    for problem in &list.problems {
        // A file over the size limit is flagged at the limit, past a short input
        // never.
        spans.push(problem.span);
        let _ = (problem.kind.to_string(), problem.kind.severity());
    }
    for span in spans {
        within(span, n);
    }
});
