//! The commands README.md and docs/ show, run on the bundled captures with
//! the plugin (and the "EMCC" profile) installed, so that what a reader sees
//! cannot drift from what tshark prints.
//!
//! An example is a fenced `sh` block with one tshark command, right after a
//! line `<!-- example -->`, followed by a fenced `text` block: what tshark
//! prints. In the text block a line `...` stands for any number of lines
//! left out (at the start, between, or at the end), and a line ending in
//! ` ...` for any line that starts with what comes before it. Otherwise
//! lines must be equal (trailing spaces aside), after the harness evens out
//! what tshark releases print differently (`common::normalise_stock_output`).
//!
//! Any other `sh` block that runs tshark or wireshark must be marked
//! `<!-- command: NAME -->` (the two commands, see tests/readme-command),
//! `<!-- recipe: NAME -->` (a script a test runs as written, e.g. the batch
//! recipe in tests/emccflow_json.rs) or `<!-- not-run: REASON -->`.
mod common;

use std::fs;
use std::path::Path;

use common::sandbox_with_profile;

/// What stands for left-out lines, or the left-out end of a line.
const ELLIPSIS: &str = "...";

/// A fenced block: its info string (`sh`, `text`), its lines (indentation
/// of the fence removed), and the marker comment before it, if any.
struct Block {
    line: usize,
    info: String,
    lines: Vec<String>,
    marker: Option<String>,
}

/// The fenced blocks of a Markdown text, each with the `<!-- ... -->`
/// comment line that comes right before it (blank lines between allowed).
fn blocks(text: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut marker: Option<String> = None;
    let mut open: Option<(Block, usize)> = None;
    for (i, raw) in text.lines().enumerate() {
        let trimmed = raw.trim_start();
        if let Some((block, indent)) = open.as_mut() {
            if trimmed.starts_with("```") {
                out.push(open.take().unwrap().0);
            } else {
                let cut = raw
                    .char_indices()
                    .nth(*indent)
                    .map_or(raw.len(), |(at, _)| at);
                let keep_from = if raw[..cut].trim().is_empty() { cut } else { 0 };
                block.lines.push(raw[keep_from..].to_string());
            }
            continue;
        }
        if let Some(info) = trimmed.strip_prefix("```") {
            let indent = raw.len() - trimmed.len();
            let block = Block {
                line: i + 1,
                info: info.trim().to_string(),
                lines: Vec::new(),
                marker: marker.take(),
            };
            open = Some((block, indent));
        } else if let Some(comment) = trimmed
            .strip_prefix("<!--")
            .and_then(|c| c.trim_end().strip_suffix("-->"))
        {
            marker = Some(comment.trim().to_string());
        } else if !trimmed.is_empty() {
            marker = None;
        }
    }
    out
}

/// Splits a command line as the shell would, for the quoting the examples
/// use: words separated by spaces, '...' and "..." quotes.
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' | '"' => {
                in_word = true;
                for q in chars.by_ref() {
                    if q == c {
                        break;
                    }
                    word.push(q);
                }
            }
            ' ' | '\t' => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            other => {
                in_word = true;
                word.push(other);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    words
}

fn line_matches(expected: &str, actual: &str) -> bool {
    let actual = actual.trim_end();
    match expected.strip_suffix(&format!(" {ELLIPSIS}")) {
        Some(start) => actual.starts_with(start.trim_end()),
        None => expected.trim_end() == actual,
    }
}

fn segment_at(segment: &[String], actual: &[&str], at: usize) -> bool {
    at + segment.len() <= actual.len()
        && segment
            .iter()
            .zip(&actual[at..])
            .all(|(e, a)| line_matches(e, a))
}

/// Whether `actual` is what `expected` shows (see the module comment).
fn output_matches(expected: &[String], actual: &str) -> bool {
    let actual: Vec<&str> = actual.lines().collect();
    let segments: Vec<&[String]> = expected.split(|l| l.trim() == ELLIPSIS).collect();
    let open_start = expected.first().is_some_and(|l| l.trim() == ELLIPSIS);
    let open_end = expected.last().is_some_and(|l| l.trim() == ELLIPSIS);
    let last = segments.len() - 1;
    let mut at = 0;
    for (i, segment) in segments.iter().enumerate() {
        if segment.is_empty() {
            continue;
        }
        if i == last && !open_end {
            let start = actual.len().saturating_sub(segment.len());
            return start >= at && segment_at(segment, &actual, start) && (i > 0 || start == 0);
        }
        if i == 0 && !open_start {
            if !segment_at(segment, &actual, 0) {
                return false;
            }
            at = segment.len();
            continue;
        }
        match (at..actual.len()).find(|&start| segment_at(segment, &actual, start)) {
            Some(start) => at = start + segment.len(),
            None => return false,
        }
    }
    open_end || at == actual.len()
}

/// The hand-written Markdown files whose commands are checked.
fn documents() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut names: Vec<String> = fs::read_dir(root.join("docs"))
        .expect("docs/")
        .map(|e| {
            format!(
                "docs/{}",
                e.expect("read docs/").file_name().to_string_lossy()
            )
        })
        .filter(|n| n.ends_with(".md"))
        .collect();
    names.sort();
    names.insert(0, "README.md".into());
    names
}

struct Example {
    place: String,
    command: String,
    expected: Vec<String>,
}

/// Every example of every document; fails on an example that is not
/// followed by its output, and on an unmarked tshark or wireshark command.
fn examples() -> Vec<Example> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut found = Vec::new();
    let mut problems = Vec::new();
    for name in documents() {
        let text = fs::read_to_string(root.join(&name)).expect("read document");
        let all = blocks(&text);
        let mut i = 0;
        while i < all.len() {
            let block = &all[i];
            let place = format!("{name}:{}", block.line);
            let runs_wireshark = block.lines.iter().any(|l| {
                let first = l.split_whitespace().next().unwrap_or("");
                first == "tshark" || first == "wireshark"
            });
            match block.marker.as_deref() {
                Some("example") => {
                    let output = all.get(i + 1).filter(|b| b.info == "text");
                    match (block.info.as_str(), block.lines.as_slice(), output) {
                        ("sh", [command], Some(output)) if command.starts_with("tshark ") => {
                            found.push(Example {
                                place,
                                command: command.clone(),
                                expected: output.lines.clone(),
                            });
                            i += 1;
                        }
                        _ => problems.push(format!(
                            "{place}: an example is a ```sh block with one tshark command, \
                             followed by a ```text block with its output"
                        )),
                    }
                }
                Some(marker)
                    if marker.starts_with("command: ")
                        || marker.starts_with("recipe: ")
                        || marker
                            .strip_prefix("not-run:")
                            .is_some_and(|why| !why.trim().is_empty()) => {}
                _ if runs_wireshark && block.info != "text" => problems.push(format!(
                    "{place}: a command block that is not run: mark it <!-- example --> \
                     (and follow it with its output), or <!-- not-run: REASON -->"
                )),
                _ => {}
            }
            i += 1;
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    found
}

#[test]
fn every_example_prints_what_it_shows() {
    let examples = examples();
    assert!(
        examples.len() >= 10,
        "only {} examples found: is the marker still <!-- example -->?",
        examples.len()
    );
    let s = sandbox_with_profile();
    let mut failures = Vec::new();
    for example in &examples {
        let words = shell_words(&example.command);
        let args: Vec<&str> = words[1..].iter().map(String::as_str).collect();
        let run = s.tshark(&args);
        run.assert_clean(&example.place);
        if !output_matches(&example.expected, &run.stdout) {
            let shown: Vec<&str> = run.stdout.lines().take(40).collect();
            failures.push(format!(
                "{}: {}\n--- shown:\n{}\n--- printed (first 40 lines):\n{}\n",
                example.place,
                example.command,
                example.expected.join("\n"),
                shown.join("\n")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "examples whose output differs from what the docs show:\n\n{}",
        failures.join("\n")
    );
}

#[test]
fn the_two_commands_are_marked() {
    let readme =
        fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README.md");
    for name in ["setup", "test"] {
        let marked = blocks(&readme)
            .iter()
            .any(|b| b.marker.as_deref() == Some(&format!("command: {name}")) && b.info == "sh");
        assert!(
            marked,
            "README.md: no ```sh block marked <!-- command: {name} -->"
        );
    }
}

/// The setup command ends with a tshark command on the lab capture: the
/// README says it prints one line per alarm REFER (frame, cluster, name).
#[test]
fn the_setup_command_ends_by_printing_the_alarms() {
    let readme =
        fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README.md");
    let setup = blocks(&readme)
        .into_iter()
        .find(|b| b.marker.as_deref() == Some("command: setup"))
        .expect("README.md marks the setup command");
    let line = setup.lines.join(" ");
    let last = line.rsplit("&&").next().unwrap_or("").trim().to_string();
    let words = shell_words(&last);
    assert_eq!(words.first().map(String::as_str), Some("tshark"), "{last}");
    let args: Vec<&str> = words[1..].iter().map(String::as_str).collect();
    let run = sandbox_with_profile().tshark(&args);
    run.assert_clean("the setup command's tshark");
    let rows: Vec<Vec<&str>> = run
        .stdout
        .lines()
        .map(|l| l.split('\t').collect())
        .collect();
    assert!(!rows.is_empty(), "{last}: printed nothing");
    for row in &rows {
        assert!(
            row.len() == 3 && row.iter().all(|c| !c.is_empty()),
            "{last}: not frame, cluster, alarm name: {row:?}"
        );
    }
    assert!(
        rows.iter().any(|r| r[2] == "DeviceTLInfo"),
        "{}",
        run.stdout
    );
}

#[test]
fn matching_rules() {
    let lines = |text: &str| text.lines().map(String::from).collect::<Vec<_>>();
    let out = "a\nb\nc\nd\n";
    assert!(output_matches(&lines("a\nb\nc\nd"), out));
    assert!(output_matches(&lines("a\n..."), out));
    assert!(output_matches(&lines("...\nd"), out));
    assert!(output_matches(&lines("...\nb\nc\n..."), out));
    assert!(output_matches(&lines("a\n...\nd"), out));
    assert!(!output_matches(&lines("a\nb"), out));
    assert!(!output_matches(&lines("b\n..."), out));
    assert!(!output_matches(&lines("...\nc"), out));
    assert!(!output_matches(&lines("...\nc\nb\n..."), out));
    assert!(output_matches(&lines("a\nb ...\n..."), "a\nbcd  \nc\n"));
    assert!(!output_matches(&lines("a\nx ...\n..."), "a\nbcd\n"));
    assert_eq!(
        shell_words(r#"tshark -Y 'a == "b c"' -e "x y" z"#),
        ["tshark", "-Y", r#"a == "b c""#, "-e", "x y", "z"]
    );
}
