//! The bindgen allowlist in build.rs holds only what Rust calls (issue 16):
//! every name or pattern in its lists is used by src/epan as `sys::NAME`,
//! and every shim function the pattern `emcc_.*` takes from
//! wireshark-headers/emcc_shim.h is called from Rust (else it does not
//! belong in that header).
use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The quoted strings of `const NAME: ... = &[ ... ];` in build.rs.
fn list(build: &str, name: &str) -> Vec<String> {
    let head = format!("const {name}: ");
    let start = build
        .find(&head)
        .unwrap_or_else(|| panic!("build.rs has no `{head}`"));
    let body = &build[start..];
    let body = &body[body.find("= &[").expect("a slice literal") + 4..];
    let body = &body[..body.find("];").expect("the end of the list")];
    let items: Vec<String> = body
        .split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect();
    assert!(!items.is_empty(), "build.rs: {name} is empty or unreadable");
    items
}

/// Every identifier src/epan names as `sys::IDENT`.
fn sys_uses() -> BTreeSet<String> {
    let mut uses = BTreeSet::new();
    let dir = root().join("src/epan");
    for entry in fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if !path.extension().is_some_and(|e| e == "rs") || path.ends_with("sys.rs") {
            continue;
        }
        let text = read(&path);
        for (at, _) in text.match_indices("sys::") {
            let ident: String = text[at + 5..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !ident.is_empty() {
                uses.insert(ident);
            }
        }
    }
    assert!(uses.len() > 20, "too few sys:: uses found: {uses:?}");
    uses
}

/// The functions wireshark-headers/emcc_shim.h declares: `emcc_NAME(`
/// outside comments.
fn shim_functions() -> BTreeSet<String> {
    let text = read(&root().join("wireshark-headers/emcc_shim.h"));
    let mut code = String::new();
    let mut rest = text.as_str();
    while let Some(at) = rest.find("/*") {
        code.push_str(&rest[..at]);
        rest = &rest[at..];
        rest = &rest[rest.find("*/").map_or(rest.len(), |e| e + 2)..];
    }
    code.push_str(rest);
    let code: String = code
        .lines()
        .map(|l| l.split("//").next().unwrap())
        .collect::<Vec<_>>()
        .join("\n");
    let mut found = BTreeSet::new();
    for (at, _) in code.match_indices("emcc_") {
        if at > 0 {
            let before = code.as_bytes()[at - 1];
            if before.is_ascii_alphanumeric() || before == b'_' {
                continue;
            }
        }
        let ident: String = code[at..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if code[at + ident.len()..].trim_start().starts_with('(') {
            found.insert(ident);
        }
    }
    assert!(found.len() > 20, "too few shim functions found: {found:?}");
    found
}

/// Whether a list entry (a name, or a `PREFIX.*` pattern) is used.
fn entry_used(entry: &str, uses: &BTreeSet<String>) -> bool {
    match entry.strip_suffix(".*") {
        Some(prefix) => {
            assert!(
                !prefix.contains(['.', '*', '[', '(', '|', '^', '$']),
                "build.rs: only NAME and PREFIX.* patterns are understood here: {entry}"
            );
            uses.iter().any(|u| u.starts_with(prefix))
        }
        None => uses.contains(entry),
    }
}

#[test]
fn every_allowlisted_name_is_used_by_src_epan() {
    let build = read(&root().join("build.rs"));
    let uses = sys_uses();
    let mut unused = Vec::new();
    for name in ["ALLOW_FUNCTIONS", "ALLOW_TYPES", "ALLOW_VARS"] {
        for entry in list(&build, name) {
            if !entry_used(&entry, &uses) {
                unused.push(format!("{name}: {entry}"));
            }
        }
    }
    // ALLOW_ENUMS: ("enum", "PREFIX PREFIX"): each prefix names constants
    // Rust uses.
    let enums = list(&build, "ALLOW_ENUMS");
    assert!(
        enums.len() % 2 == 0,
        "ALLOW_ENUMS: pairs expected: {enums:?}"
    );
    for pair in enums.chunks(2) {
        for prefix in pair[1].split_whitespace() {
            if !uses.iter().any(|u| u.starts_with(prefix)) {
                unused.push(format!("ALLOW_ENUMS: {} (no sys::{prefix}*)", pair[0]));
            }
        }
    }
    assert!(
        unused.is_empty(),
        "allowlisted in build.rs but not used by src/epan (remove them): {unused:?}"
    );
}

#[test]
fn every_shim_function_is_called_from_rust() {
    let build = read(&root().join("build.rs"));
    assert!(
        list(&build, "ALLOW_FUNCTIONS").contains(&"emcc_.*".to_string()),
        "the shim's functions are allowlisted as emcc_.*"
    );
    let uses = sys_uses();
    let uncalled: Vec<String> = shim_functions()
        .into_iter()
        .filter(|f| !uses.contains(f))
        .collect();
    assert!(
        uncalled.is_empty(),
        "declared in wireshark-headers/emcc_shim.h but never called as sys::NAME \
         (remove them from the header, or from the shim): {uncalled:?}"
    );
}
