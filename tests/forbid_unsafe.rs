//! `unsafe` lives in `src/epan` only (issue 16): every other module root
//! forbids it, so that no `#[allow(unsafe_code)]` further down can let it
//! back in. lib.rs denies it for the crate (a forbid there would not let
//! epan allow it), which catches a new top-level module that forgot the line
//! until this test names it.
use std::fs;
use std::path::{Path, PathBuf};

const FORBID: &str = "#![forbid(unsafe_code)]";

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Whether the file holds the attribute among its leading inner attributes
/// and doc comments (an inner attribute after the first item does not
/// compile; this also keeps a mention in a comment from counting).
fn forbids_unsafe(path: &Path) -> bool {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .map(str::trim)
        .take_while(|l| l.is_empty() || l.starts_with("//") || l.starts_with("#!["))
        .any(|l| l == FORBID)
}

fn sorted_entries(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("read src entry").path())
        .collect();
    entries.sort();
    entries
}

/// Every module root outside `src/epan`: `src/*.rs` but lib.rs, the
/// `mod.rs` (or sibling `NAME.rs`) of each folder of src that is a module,
/// and each binary's root under `src/bin`.
fn module_roots() -> Vec<PathBuf> {
    let src = src();
    let mut roots = Vec::new();
    for path in sorted_entries(&src) {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            if name == "epan" || name == "bin" {
                continue;
            }
            // A folder is a module when it has a mod.rs; with a sibling
            // NAME.rs instead, that file is the root (listed below). A
            // folder with neither (src/profile) holds data, not code.
            if path.join("mod.rs").exists() {
                roots.push(path.join("mod.rs"));
            }
        } else if name.ends_with(".rs") && name != "lib.rs" {
            roots.push(path);
        }
    }
    for path in sorted_entries(&src.join("bin")) {
        if path.is_dir() && path.join("main.rs").exists() {
            roots.push(path.join("main.rs"));
        } else if path.extension().is_some_and(|e| e == "rs") {
            roots.push(path);
        }
    }
    roots
}

#[test]
fn every_module_outside_epan_forbids_unsafe_code() {
    let roots = module_roots();
    assert!(roots.len() >= 12, "found too few module roots: {roots:?}");
    let missing: Vec<String> = roots
        .iter()
        .filter(|p| !forbids_unsafe(p))
        .map(|p| p.strip_prefix(src()).unwrap().display().to_string())
        .collect();
    assert!(
        missing.is_empty(),
        "module roots without `{FORBID}` at the top (only src/epan may use unsafe): {missing:?}"
    );
}

#[test]
fn crate_root_denies_and_only_epan_allows_unsafe_code() {
    let lib = fs::read_to_string(src().join("lib.rs")).unwrap();
    assert!(
        lib.lines().any(|l| l.trim() == "#![deny(unsafe_code)]"),
        "lib.rs must deny unsafe_code"
    );
    let epan = fs::read_to_string(src().join("epan/mod.rs")).unwrap();
    assert!(
        epan.lines().any(|l| l.trim() == "#![allow(unsafe_code)]"),
        "src/epan/mod.rs is where unsafe is allowed"
    );
    // Every top-level module lib.rs declares has a root the test above checks.
    let checked: Vec<String> = module_roots()
        .iter()
        .map(|p| p.strip_prefix(src()).unwrap().display().to_string())
        .collect();
    for line in lib.lines() {
        let Some(name) = line
            .trim()
            .strip_prefix("mod ")
            .or_else(|| line.trim().strip_prefix("pub mod "))
            .and_then(|r| r.strip_suffix(';'))
        else {
            continue;
        };
        if name == "epan" {
            continue;
        }
        assert!(
            checked.contains(&format!("{name}.rs")) || checked.contains(&format!("{name}/mod.rs")),
            "lib.rs declares `mod {name}` but no root of it was checked: {checked:?}"
        );
    }
}
