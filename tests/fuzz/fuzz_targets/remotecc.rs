//! A remote call control body (`application/x-cisco-remotecc-*+xml`).
#![no_main]

use emcc::harness::ciscoremotecc::parse_remotecc;
use fuzz_support::within;
use libfuzzer_sys::fuzz_target;

/// The parser's documented limits (src/ciscoremotecc/parse.rs).
const MAX_OPERATIONS: usize = 64;
const MAX_OPTIONS: usize = 256;
const MAX_PROBLEMS: usize = 32;

fuzz_target!(|data: &[u8]| {
    let doc = parse_remotecc(data);
    let n = data.len();
    within(doc.root_span, n);
    assert!(doc.operations.len() <= MAX_OPERATIONS);
    for operation in &doc.operations {
        within(operation.span, n);
    }
    if let Some((_, span)) = doc.response_code {
        within(span, n);
    }
    assert!(doc.options.len() <= MAX_OPTIONS);
    for option in &doc.options {
        within(option.span, n);
    }
    assert!(doc.problems.len() <= MAX_PROBLEMS);
    for problem in &doc.problems {
        within(problem.span, n);
        let _ = problem.kind.to_string();
    }
});
