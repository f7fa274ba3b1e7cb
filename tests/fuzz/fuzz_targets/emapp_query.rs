//! An EMApp/EMService request: its target (`/emapp/EMAppServlet?device=..`)
//! and its form body, both as the emcc dissector reads them, then what the
//! request is classified as.
#![no_main]

use emcc::harness::emcc::{classify_request, parse_form, parse_target};
use fuzz_support::within;
use libfuzzer_sys::fuzz_target;

/// The parser's documented limits (src/emcc/query.rs).
const MAX_PARAMS: usize = 64;
const MAX_VALUE_LEN: usize = 8192;
const MAX_NAME_LEN: usize = 256;
const MAX_PROBLEMS: usize = 32;

fuzz_target!(|data: &[u8]| {
    // HTTP hands the request URI over as text.
    let uri = String::from_utf8_lossy(data);
    let target = parse_target(&uri);
    within(target.path_span, uri.len());
    let mut all = vec![(&target.params, &target.problems, uri.len())];
    let form = parse_form(data);
    all.push((&form.params, &form.problems, data.len()));
    for (params, problems, n) in all {
        assert!(params.len() <= MAX_PARAMS);
        for p in params {
            within(p.name_span, n);
            within(p.value_span, n);
            assert!(p.name.len() <= MAX_NAME_LEN && p.value.len() <= MAX_VALUE_LEN);
        }
        assert!(problems.len() <= MAX_PROBLEMS);
        for problem in problems {
            within(problem.span, n);
            let _ = problem.kind.to_string();
        }
    }
    // Every span of a target falls on its character boundaries.
    for p in &target.params {
        assert!(uri.get(p.name_span.range()).is_some());
        assert!(uri.get(p.value_span.range()).is_some());
    }
    if let Some(servlet) = &target.servlet {
        let _ = classify_request(servlet, &target.params);
        let _ = classify_request(servlet, &form.params);
    }
});
