//! The phone XML EMApp answers (`CiscoIPPhoneText`, `...Menu`, `...Input` ...)
//! and the EM error found in its title, prompt or text.
#![no_main]

use emcc::harness::emcc::{find_em_error, parse_phone_xml};
use fuzz_support::within;
use libfuzzer_sys::fuzz_target;

/// The parser's documented limits (src/emcc/phone_xml.rs).
const MAX_URLS: usize = 128;
const MAX_PROBLEMS: usize = 32;

fuzz_target!(|data: &[u8]| {
    let object = parse_phone_xml(data);
    let n = data.len();
    for part in [&object.root, &object.title, &object.prompt, &object.text]
        .into_iter()
        .flatten()
    {
        within(part.span, n);
        if let Some((_, digits, message, _)) = find_em_error(&part.value) {
            assert!(part.value.get(digits).is_some() && part.value.get(message).is_some());
        }
    }
    assert!(object.urls.len() <= MAX_URLS);
    for url in &object.urls {
        within(url.span, n);
    }
    if let Some(error) = &object.error {
        within(error.span, n);
        within(error.text_span, n);
    }
    assert!(object.problems.len() <= MAX_PROBLEMS);
    for problem in &object.problems {
        within(problem.span, n);
        let _ = problem.kind.to_string();
    }
});
