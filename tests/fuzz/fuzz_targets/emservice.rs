//! EMService XML (the `xml=` form field EMApp posts, and the answer): what it
//! asks, for whom, and the result.
#![no_main]

use emcc::harness::emcc::{classify_emservice, parse_emservice};
use fuzz_support::within;
use libfuzzer_sys::fuzz_target;

/// The parser's documented limits (src/emcc/emservice.rs).
const MAX_ITEMS: usize = 64;
const MAX_PROBLEMS: usize = 32;

fuzz_target!(|data: &[u8]| {
    let doc = parse_emservice(data);
    let n = data.len();
    for part in [&doc.root, &doc.request, &doc.app_id].into_iter().flatten() {
        within(part.span, n);
    }
    if let Some(credential) = doc.credential {
        within(credential, n);
    }
    for list in [&doc.users, &doc.devices, &doc.profiles] {
        assert!(list.len() <= MAX_ITEMS);
        for item in list {
            within(item.span, n);
        }
    }
    if let Some(result) = &doc.result {
        within(result.span, n);
    }
    if let Some((_, span, _)) = &doc.error {
        within(*span, n);
    }
    assert!(doc.problems.len() <= MAX_PROBLEMS);
    for problem in &doc.problems {
        within(problem.span, n);
        let _ = problem.kind.to_string();
    }
    let root = doc.root.as_ref().map(|r| r.value.as_str());
    let request = doc.request.as_ref().map(|r| r.value.as_str());
    assert_eq!(classify_emservice(root, request), doc.action);
});
