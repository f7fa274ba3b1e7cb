//! The documentation in docs/ against the plugin tshark really loads:
//! - docs/fields.md is generated from what the plugin registers (`tshark -G
//!   fields`, `tshark -G values`): with EMCC_BLESS=1 this test writes it,
//!   otherwise it fails when the committed file is stale;
//! - every expert info is explained in docs/protocols.md;
//! - every name of ours the README and docs/ mention (in backticks) is a
//!   protocol, field or preference the plugin registers;
//! - links between the README and docs/ name files and headings that exist.
mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use common::{protocol_of, sandbox, OUR_PROTOCOLS};

const GENERATED: &str = "docs/fields.md";
const PROSE: &str = "docs/protocols.md";

fn repo_file(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(name)
}

fn read(name: &str) -> String {
    fs::read_to_string(repo_file(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// One registered field of ours (`F` line of `tshark -G fields`).
struct Field {
    name: String,
    abbrev: String,
    ftype: String,
    base: String,
    blurb: String,
}

impl Field {
    /// Wireshark registers an expert info as a field without a description.
    fn is_expert(&self) -> bool {
        self.ftype == "FT_NONE" && self.blurb.is_empty()
    }
}

/// What the plugin registers: its protocols (abbrev, name), fields and
/// value strings (abbrev, value, name), in registration order.
struct Registry {
    protocols: Vec<(String, String)>,
    fields: Vec<Field>,
    values: Vec<(String, String, String)>,
}

fn registry() -> Registry {
    let s = sandbox();
    let fields_run = s.tshark(&["-G", "fields"]);
    fields_run.assert_clean("tshark -G fields");
    let mut protocols = Vec::new();
    let mut fields = Vec::new();
    for line in fields_run.stdout.lines() {
        let cols: Vec<&str> = line.split('\t').collect();
        match cols.as_slice() {
            ["P", name, abbrev, ..] if OUR_PROTOCOLS.contains(abbrev) => {
                protocols.push((abbrev.to_string(), name.to_string()));
            }
            ["F", name, abbrev, ftype, _parent, base, _mask, rest @ ..]
                if protocol_of(abbrev).is_some() =>
            {
                fields.push(Field {
                    name: name.to_string(),
                    abbrev: abbrev.to_string(),
                    ftype: ftype.to_string(),
                    base: base.to_string(),
                    blurb: rest.first().unwrap_or(&"").to_string(),
                });
            }
            _ => {}
        }
    }
    let values_run = s.tshark(&["-G", "values"]);
    values_run.assert_clean("tshark -G values");
    let mut values = Vec::new();
    for line in values_run.stdout.lines() {
        let cols: Vec<&str> = line.split('\t').collect();
        match cols.as_slice() {
            ["V" | "V64", abbrev, value, name] if protocol_of(abbrev).is_some() => {
                values.push((abbrev.to_string(), value.to_string(), name.to_string()));
            }
            ["R", abbrev, low, high, name] if protocol_of(abbrev).is_some() => {
                values.push((
                    abbrev.to_string(),
                    format!("{low}-{high}"),
                    name.to_string(),
                ));
            }
            ["T", abbrev, yes, no] if protocol_of(abbrev).is_some() => {
                values.push((abbrev.to_string(), "true".into(), yes.to_string()));
                values.push((abbrev.to_string(), "false".into(), no.to_string()));
            }
            _ => {}
        }
    }
    Registry {
        protocols,
        fields,
        values,
    }
}

/// A reader's name for a field type.
fn type_name(field: &Field) -> String {
    let name = match field.ftype.as_str() {
        "FT_NONE" => "label",
        "FT_STRING" | "FT_STRINGZ" => "string",
        "FT_BYTES" => "bytes",
        "FT_BOOLEAN" => "boolean",
        "FT_UINT8" | "FT_UINT16" | "FT_UINT24" | "FT_UINT32" | "FT_UINT64" => "unsigned integer",
        "FT_INT8" | "FT_INT16" | "FT_INT24" | "FT_INT32" | "FT_INT64" => "signed integer",
        "FT_FRAMENUM" => "frame number",
        "FT_ABSOLUTE_TIME" => "absolute time",
        "FT_RELATIVE_TIME" => "relative time",
        "FT_IPv4" => "IPv4 address",
        other => other,
    };
    if field.base == "BASE_HEX" {
        format!("{name} (hex)")
    } else {
        name.to_string()
    }
}

/// Text for a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

/// The anchor GitHub gives a heading.
fn anchor(heading: &str) -> String {
    heading
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

/// The heading of a protocol's section in docs/protocols.md.
fn prose_heading(abbrev: &str, name: &str) -> String {
    format!("{abbrev}: {name}")
}

/// docs/fields.md, from the registry.
fn reference(reg: &Registry) -> String {
    let mut out = String::new();
    out.push_str(
        "<!-- Generated by tests/docs.rs from `tshark -G fields` and `tshark -G values` with \
         the plugin loaded. Do not edit: change the plugin, then run \
         `EMCC_BLESS=1 cargo test --test docs` and commit the result. -->\n\n",
    );
    out.push_str("# Field reference\n\n");
    out.push_str(
        "Every display filter field the plugin registers, with its type and description, the \
         names Wireshark shows for its values, and the expert infos of each protocol, as \
         tshark lists them with the plugin loaded. What each protocol decodes, when its \
         fields appear and when each expert info is raised: [protocols.md](protocols.md).\n\n",
    );
    for (abbrev, name) in &reg.protocols {
        out.push_str(&format!("- [`{abbrev}`](#{abbrev}): {name}\n"));
    }
    for (abbrev, name) in &reg.protocols {
        let fields: Vec<&Field> = reg
            .fields
            .iter()
            .filter(|f| protocol_of(&f.abbrev) == Some(abbrev.as_str()))
            .collect();
        out.push_str(&format!("\n## {abbrev}\n\n"));
        out.push_str(&format!(
            "{name}: what it decodes and when, in \
             [protocols.md](protocols.md#{}).\n\n",
            anchor(&prose_heading(abbrev, name))
        ));
        out.push_str("| Field | Type | Name | Description |\n| --- | --- | --- | --- |\n");
        for f in fields.iter().filter(|f| !f.is_expert()) {
            let has_values = reg.values.iter().any(|(a, _, _)| *a == f.abbrev);
            out.push_str(&format!(
                "| `{}` | {} | {} | {}{} |\n",
                f.abbrev,
                type_name(f),
                cell(&f.name),
                cell(&f.blurb),
                if has_values { " Values below." } else { "" }
            ));
        }
        let mut with_values: Vec<&str> = Vec::new();
        for (a, _, _) in &reg.values {
            if protocol_of(a) == Some(abbrev.as_str()) && !with_values.contains(&a.as_str()) {
                with_values.push(a);
            }
        }
        for field in with_values {
            out.push_str(&format!(
                "\nValues of `{field}`:\n\n| Value | Shown as |\n| --- | --- |\n"
            ));
            for (_, value, shown) in reg.values.iter().filter(|(a, _, _)| a == field) {
                out.push_str(&format!("| {} | {} |\n", cell(value), cell(shown)));
            }
        }
        out.push_str("\nExpert infos:\n\n| Expert info | Summary |\n| --- | --- |\n");
        for f in fields.iter().filter(|f| f.is_expert()) {
            out.push_str(&format!("| `{}` | {} |\n", f.abbrev, cell(&f.name)));
        }
    }
    out
}

#[test]
fn field_reference_is_up_to_date() {
    let reg = registry();
    assert_eq!(
        reg.protocols.len(),
        OUR_PROTOCOLS.len(),
        "every protocol of ours is listed by tshark -G fields"
    );
    let generated = reference(&reg);
    let path = repo_file(GENERATED);
    if std::env::var_os("EMCC_BLESS").is_some() {
        fs::write(&path, &generated).expect("write docs/fields.md");
        return;
    }
    let committed = fs::read_to_string(&path).unwrap_or_default();
    if committed != generated {
        let first = committed
            .lines()
            .zip(generated.lines())
            .position(|(c, g)| c != g)
            .map_or_else(
                || {
                    format!(
                        "{} lines, {} expected",
                        committed.lines().count(),
                        generated.lines().count()
                    )
                },
                |i| format!("first difference at line {}", i + 1),
            );
        panic!(
            "{GENERATED} does not match what the plugin registers ({first}).\n\
             Regenerate it with `EMCC_BLESS=1 cargo test --test docs`, review the diff \
             and commit it."
        );
    }
}

/// The hand-written page each generated section links to has its heading,
/// and says when each expert info is raised.
#[test]
fn protocols_page_explains_every_protocol_and_expert_info() {
    let reg = registry();
    let prose = read(PROSE);
    for (abbrev, name) in &reg.protocols {
        let heading = format!("## {}", prose_heading(abbrev, name));
        assert!(
            prose.lines().any(|l| l == heading),
            "{PROSE} has no heading {heading:?} (fields.md links to it)"
        );
    }
    for f in reg.fields.iter().filter(|f| f.is_expert()) {
        let explained = prose
            .lines()
            .any(|l| l.starts_with(&format!("| `{}` |", f.abbrev)));
        assert!(
            explained,
            "expert info {} is not explained in {PROSE} (a row `| `{}` | severity | when |`)",
            f.abbrev, f.abbrev
        );
    }
}

/// Hand-written Markdown: README.md and docs/*.md but the generated file.
fn hand_written_docs() -> Vec<String> {
    let mut names = vec!["README.md".to_string()];
    let mut docs: Vec<String> = fs::read_dir(repo_file("docs"))
        .expect("docs/")
        .map(|e| {
            format!(
                "docs/{}",
                e.expect("read docs/").file_name().to_string_lossy()
            )
        })
        .filter(|n| n.ends_with(".md") && n != GENERATED)
        .collect();
    docs.sort();
    names.extend(docs);
    names
}

/// Backticked names of ours (`emcc.action`, `ciscotvs.tcp_port`) in the
/// README and docs/ are protocols, fields or preferences tshark knows.
#[test]
fn names_in_the_docs_exist() {
    let reg = registry();
    let prefs = sandbox().tshark(&["-G", "defaultprefs"]);
    prefs.assert_clean("tshark -G defaultprefs");
    let mut known: BTreeSet<String> = reg.fields.iter().map(|f| f.abbrev.clone()).collect();
    known.extend(reg.protocols.iter().map(|(a, _)| a.clone()));
    known.extend(prefs.stdout.lines().filter_map(|l| {
        let name = l.trim_start_matches('#').split(':').next()?;
        protocol_of(name).map(|_| name.to_string())
    }));
    let mut unknown = Vec::new();
    for name in hand_written_docs() {
        for (i, line) in read(&name).lines().enumerate() {
            for span in line.split('`').skip(1).step_by(2) {
                let file_name = [".so", ".rs", ".md", ".txt", ".pcapng"]
                    .iter()
                    .any(|ext| span.ends_with(ext));
                let looks_like_name = span.contains('.')
                    && !file_name
                    && span
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_');
                if looks_like_name && protocol_of(span).is_some() && !known.contains(span) {
                    unknown.push(format!("{name}:{}: `{span}`", i + 1));
                }
            }
        }
    }
    assert!(
        unknown.is_empty(),
        "names that are no field, protocol or preference of the plugin:\n{}",
        unknown.join("\n")
    );
}

/// The anchors of a Markdown file's headings.
fn heading_anchors(text: &str) -> BTreeSet<String> {
    text.lines()
        .filter(|l| l.starts_with('#'))
        .map(|l| anchor(l.trim_start_matches('#').trim()))
        .collect()
}

/// Every relative link of the README and docs/ (generated file included)
/// names a file that exists and, with `#...`, a heading in it.
#[test]
fn links_between_documents_resolve() {
    let mut names = hand_written_docs();
    names.push(GENERATED.into());
    let mut broken = Vec::new();
    for name in &names {
        let text = read(name);
        let dir = Path::new(name).parent().unwrap_or(Path::new(""));
        for (i, line) in text.lines().enumerate() {
            for link in line
                .split("](")
                .skip(1)
                .filter_map(|rest| rest.split(')').next())
            {
                if link.contains("://") {
                    continue;
                }
                let (path, fragment) = link.split_once('#').unwrap_or((link, ""));
                let target = if path.is_empty() {
                    name.clone()
                } else {
                    dir.join(path).to_string_lossy().into_owned()
                };
                if !repo_file(&target).exists() {
                    broken.push(format!("{name}:{}: {link}: no file {target}", i + 1));
                    continue;
                }
                if !fragment.is_empty() && !heading_anchors(&read(&target)).contains(fragment) {
                    broken.push(format!("{name}:{}: {link}: no such heading", i + 1));
                }
            }
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}
