//! A signed file (`.cnf.xml.sgn`, softkey templates): its signature header,
//! then the configuration facts of the XML inside, as src/ciscotl/body.rs
//! decodes it; and a plain configuration XML.
#![no_main]

use emcc::harness::ciscotl::{config_facts, parse_signed};
use fuzz_support::within;
use libfuzzer_sys::fuzz_target;

/// The parsers' documented limits (src/ciscotl/signed_config.rs).
const MAX_SERVERS: usize = 16;
const MAX_PROBLEMS: usize = 32;

fn check_config(xml: &[u8]) {
    let facts = config_facts(xml);
    let n = xml.len();
    assert!(facts.call_managers.len() <= MAX_SERVERS);
    assert!(facts.tftp_servers.len() <= MAX_SERVERS);
    for item in facts.call_managers.iter().chain(&facts.tftp_servers) {
        within(item.span, n);
    }
    for item in [&facts.emcc_service_url, &facts.device_name]
        .into_iter()
        .flatten()
    {
        within(item.span, n);
    }
    assert!(facts.problems.len() <= MAX_PROBLEMS);
    for problem in &facts.problems {
        within(problem.span, n);
        let _ = (problem.kind.to_string(), problem.kind.severity());
    }
}

fuzz_target!(|data: &[u8]| {
    let file = parse_signed(data);
    let n = data.len();
    if let Some(header) = &file.header {
        within(header.span, n);
        for name in [&header.signer_name, &header.filename]
            .into_iter()
            .flatten()
        {
            within(name.span, n);
        }
    }
    if let Some(signer) = &file.signer {
        within(signer.span, n);
    }
    assert!(file.problems.len() <= MAX_PROBLEMS);
    for problem in &file.problems {
        within(problem.span, n);
        let _ = (problem.kind.to_string(), problem.kind.severity());
    }
    if let Some(start) = file.xml_start {
        assert!(start <= n, "XML start {start} past the {n}-byte file");
        check_config(&data[start..]);
    }
    check_config(data);
});
