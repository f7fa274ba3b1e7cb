//! Test harness: runs the real tshark with the real plugin.
//!
//! - builds the plugin (`cargo build --lib --features fault-injection`, same
//!   profile as the tests), so a
//!   test never runs against a stale library;
//! - installs it into a sandbox HOME's personal plugin folder;
//! - tshark ignores personal plugins when run as root, so as root every
//!   tshark runs as user nobody (setpriv), with the sandbox readable by it;
//! - checks once, loudly, that tshark lists the plugin: no test can pass
//!   against a tshark that silently did not load it.
#![allow(dead_code)]

pub mod json;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

pub const WS_MAJOR_MINOR: &str = concat!(env!("EMCC_WS_MAJOR"), ".", env!("EMCC_WS_MINOR"));

/// The Wireshark release the plugin was built for (and whose tshark runs).
pub fn ws_release() -> (u32, u32) {
    let number = |text: &str| text.parse().expect("EMCC_WS_MAJOR/MINOR are numbers");
    (number(env!("EMCC_WS_MAJOR")), number(env!("EMCC_WS_MINOR")))
}

/// True when the Wireshark under test is `major.minor` or newer. Tests use
/// it only where tshark itself behaves differently between releases.
pub fn ws_at_least(major: u32, minor: u32) -> bool {
    ws_release() >= (major, minor)
}

/// Our protocols, in the order the field reference lists them.
pub const OUR_PROTOCOLS: &[&str] = &[
    "ciscoalarm",
    "ciscoreg",
    "ciscoremotecc",
    "ciscotl",
    "ciscotvs",
    "emcc",
    "emccflow",
];

/// The protocol of ours a field (or preference) belongs to: its abbreviation
/// is the protocol's or starts with it and a dot.
pub fn protocol_of(abbrev: &str) -> Option<&'static str> {
    OUR_PROTOCOLS
        .iter()
        .copied()
        .filter(|p| abbrev == *p || abbrev.strip_prefix(p).is_some_and(|r| r.starts_with('.')))
        .max_by_key(|p| p.len())
}

pub struct Sandbox {
    root: PathBuf,
    home: PathBuf,
    /// A HOME without the plugin, to show what tshark does on its own.
    bare_home: PathBuf,
    run_as_nobody: bool,
}

pub struct Run {
    pub stdout: String,
    pub stderr: String,
    pub code: Option<i32>,
}

static SANDBOX: OnceLock<Sandbox> = OnceLock::new();

pub fn sandbox() -> &'static Sandbox {
    SANDBOX.get_or_init(Sandbox::create)
}

/// The sandbox with plugin and the Wireshark profile "EMCC" installed by
/// the real `emcc-install`, once (`tshark -C EMCC` then finds the profile).
pub fn sandbox_with_profile() -> &'static Sandbox {
    static INSTALLED: OnceLock<()> = OnceLock::new();
    let s = sandbox();
    INSTALLED.get_or_init(|| {
        let out = Command::new(env!("CARGO_BIN_EXE_emcc-install"))
            .env("HOME", s.home())
            .env_remove("XDG_CONFIG_HOME")
            .env_remove("WIRESHARK_CONFIG_DIR")
            .output()
            .expect("run emcc-install");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "emcc-install failed:\n{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            stdout.contains("installed the Wireshark profile EMCC"),
            "{stdout}"
        );
        s.share();
    });
    s
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// target/<profile>, found from this test binary's own path
/// (target/<profile>/deps/<test>).
fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    exe.parent()
        .and_then(Path::parent)
        .expect("test binary lives in target/<profile>/deps")
        .to_path_buf()
}

fn build_plugin() -> PathBuf {
    let profile_dir = profile_dir();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = Command::new(cargo);
    // With the faults the robustness tests inject (src/epan/faults.rs); the
    // plugin users build has none.
    cmd.current_dir(repo())
        .args(["build", "--lib", "--quiet", "--features", "fault-injection"]);
    if profile_dir.file_name().is_some_and(|n| n == "release") {
        cmd.arg("--release");
    }
    let status = cmd.status().expect("run cargo build --lib");
    assert!(status.success(), "building the plugin failed");
    let lib = profile_dir.join("libemcc.so");
    assert!(
        lib.exists(),
        "cargo build did not produce {}",
        lib.display()
    );
    lib
}

fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

impl Sandbox {
    fn create() -> Sandbox {
        let lib = build_plugin();
        let test_name = std::env::current_exe()
            .ok()
            .and_then(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "tests".into());
        let parent = std::env::temp_dir().join("emcc-tests");
        remove_stale_sandboxes(&parent);
        let root = parent.join(format!("{test_name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        let home = root.join("home");
        let plugin_dir = home
            .join(".local/lib/wireshark/plugins")
            .join(WS_MAJOR_MINOR)
            .join("epan");
        fs::create_dir_all(&plugin_dir).expect("create sandbox plugin folder");
        let bare_home = root.join("bare-home");
        fs::create_dir_all(&bare_home).expect("create sandbox HOME without plugin");
        fs::create_dir_all(root.join("captures")).expect("create sandbox capture folder");
        fs::copy(&lib, plugin_dir.join("emcc.so")).expect("install plugin into sandbox");
        for entry in fs::read_dir(repo().join("captures")).expect("captures/ exists") {
            let path = entry.expect("read captures/").path();
            if path.extension().is_some_and(|e| e == "pcapng") {
                fs::copy(&path, root.join("captures").join(path.file_name().unwrap()))
                    .expect("copy capture into sandbox");
            }
        }
        let run_as_nobody = running_as_root();
        if run_as_nobody {
            // temp_dir() may sit under a private folder; make our tree
            // reachable for nobody.
            make_world_readable(&std::env::temp_dir().join("emcc-tests"));
        }
        let sandbox = Sandbox {
            root,
            home,
            bare_home,
            run_as_nobody,
        };
        sandbox.assert_plugin_loaded();
        sandbox
    }

    /// Fails the whole test binary if tshark did not load our plugin.
    fn assert_plugin_loaded(&self) {
        let run = self.tshark(&["-G", "plugins"]);
        let listed = run
            .stdout
            .lines()
            .any(|l| l.starts_with("emcc.so") && l.contains(env!("CARGO_PKG_VERSION")));
        assert!(
            listed,
            "\n\nTSHARK DID NOT LOAD THE PLUGIN.\n\
             Expected a line 'emcc.so {}' in `tshark -G plugins`.\n\
             Plugin built for Wireshark {WS_MAJOR_MINOR}; run as nobody: {}.\n\
             stdout:\n{}\nstderr:\n{}\n",
            env!("CARGO_PKG_VERSION"),
            self.run_as_nobody,
            run.stdout,
            run.stderr
        );
    }

    /// The sandbox's HOME (its personal plugin and configuration folders).
    pub fn home(&self) -> &Path {
        &self.home
    }

    /// Makes what a test wrote under the sandbox readable for the user
    /// tshark runs as.
    pub fn share(&self) {
        if self.run_as_nobody {
            make_world_readable(&self.root);
        }
    }

    pub fn capture(&self, name: &str) -> String {
        let path = self.root.join("captures").join(name);
        assert!(path.exists(), "no capture {name} in captures/");
        path.to_string_lossy().into_owned()
    }

    pub fn tshark(&self, args: &[&str]) -> Run {
        self.tshark_with_env(args, &[])
    }

    /// tshark without our plugin: to tell tshark's own behaviour from ours.
    pub fn tshark_without_plugin(&self, args: &[&str]) -> Run {
        let home = self.bare_home.to_string_lossy().into_owned();
        let run = self.tshark_with_env(args, &[("HOME", &home)]);
        assert!(
            !self
                .tshark_with_env(&["-G", "plugins"], &[("HOME", &home)])
                .stdout
                .contains("emcc.so"),
            "the bare HOME must not load the plugin"
        );
        run
    }

    pub fn tshark_with_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        self.tshark_limited(args, env, None)
    }

    /// As `tshark_with_env`; with a limit, tshark is killed after that many
    /// seconds (exit code 124, from timeout(1)).
    pub fn tshark_limited(&self, args: &[&str], env: &[(&str, &str)], limit: Option<u32>) -> Run {
        let Output {
            status,
            stdout,
            stderr,
        } = self
            .tshark_command(args, env, limit)
            .output()
            .expect("run tshark (is it installed?)");
        Run {
            stdout: normalise_stock_output(args, &String::from_utf8_lossy(&stdout)),
            stderr: String::from_utf8_lossy(&stderr).into_owned(),
            code: status.code(),
        }
    }

    /// The command the other `tshark*` methods run, for a test that needs
    /// its standard streams otherwise (a file, a pipe closed early).
    pub fn tshark_command(
        &self,
        args: &[&str],
        env: &[(&str, &str)],
        limit: Option<u32>,
    ) -> Command {
        let mut program: Vec<String> = Vec::new();
        if let Some(seconds) = limit {
            program.extend([
                "timeout".into(),
                "--kill-after=10".into(),
                seconds.to_string(),
            ]);
        }
        program.extend(self.as_user());
        // A tool to run tshark under (valgrind, see README "Tests"), as the
        // same user with the same sandbox.
        if let Ok(wrapper) = std::env::var("EMCC_TSHARK_WRAPPER") {
            program.extend(wrapper.split_whitespace().map(String::from));
        }
        program.push("tshark".into());
        let mut cmd = Command::new(&program[0]);
        cmd.args(&program[1..])
            .args(args)
            .current_dir(&self.root)
            .env("HOME", &self.home)
            .env("TZ", "UTC")
            .env("LC_ALL", "C.UTF-8")
            .env_remove("WIRESHARK_PLUGIN_DIR")
            .env_remove("WIRESHARK_CONFIG_DIR")
            .env_remove("EMCC_FAULT_INJECT");
        for (key, value) in env {
            cmd.env(key, value);
        }
        cmd
    }

    /// What runs a program as the user tshark runs as (nobody when the
    /// tests run as root, which ignores personal plugins).
    fn as_user(&self) -> Vec<String> {
        if !self.run_as_nobody {
            return Vec::new();
        }
        [
            "setpriv",
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            "--",
        ]
        .map(String::from)
        .to_vec()
    }

    /// A shell script run in `dir` as a user would run it: as the user
    /// tshark runs as, with the sandbox's HOME (its plugin), so `tshark` in
    /// the script loads the plugin (a README recipe).
    pub fn shell(&self, script: &str, dir: &Path) -> Run {
        let mut program = self.as_user();
        program.extend(["sh", "-c", script].map(String::from));
        let Output {
            status,
            stdout,
            stderr,
        } = Command::new(&program[0])
            .args(&program[1..])
            .current_dir(dir)
            .env("HOME", &self.home)
            .env("TZ", "UTC")
            .env("LC_ALL", "C.UTF-8")
            .env_remove("WIRESHARK_PLUGIN_DIR")
            .env_remove("WIRESHARK_CONFIG_DIR")
            .env_remove("EMCC_FAULT_INJECT")
            .output()
            .expect("run sh");
        Run {
            stdout: String::from_utf8_lossy(&stdout).into_owned(),
            stderr: String::from_utf8_lossy(&stderr).into_owned(),
            code: status.code(),
        }
    }

    /// A scratch file path in the sandbox (not shared with other tests).
    pub fn scratch(&self, name: &str) -> PathBuf {
        self.root.join(name)
    }
}

impl Run {
    /// The run succeeded and printed nothing alarming on stderr.
    pub fn assert_clean(&self, what: &str) {
        assert_eq!(
            self.code,
            Some(0),
            "{what}: tshark failed:\n{}",
            self.stderr
        );
        assert_no_panic_text(&self.stderr, what);
    }
}

pub fn assert_no_panic_text(stderr: &str, what: &str) {
    for bad in [
        "panicked",
        "RUST_BACKTRACE",
        "emcc plugin:",
        "Segmentation",
        "Aborted",
    ] {
        assert!(
            !stderr.contains(bad),
            "{what}: stderr mentions {bad:?}:\n{stderr}"
        );
    }
}

/// Removes the sandboxes of test binaries that are no longer running (named
/// `TEST-PID`): a test binary has no hook at its exit, so each run leaves its
/// own (plugin, captures: about 20 MB), and repeated runs filled the disk.
fn remove_stale_sandboxes(parent: &Path) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = name.rsplit('-').next().and_then(|p| p.parse::<u32>().ok()) else {
            continue;
        };
        if pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists() {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

fn make_world_readable(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let mut ancestor = Some(dir);
    while let Some(d) = ancestor {
        if let Ok(meta) = fs::metadata(d) {
            let mut perms = meta.permissions();
            perms.set_mode(perms.mode() | 0o755);
            let _ = fs::set_permissions(d, perms);
        }
        ancestor = d.parent().filter(|p| p.starts_with(std::env::temp_dir()));
    }
    if let Ok(entries) = fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                make_world_readable(&path);
            } else if let Ok(meta) = fs::metadata(&path) {
                let mut perms = meta.permissions();
                perms.set_mode(perms.mode() | 0o644);
                let _ = fs::set_permissions(&path, perms);
            }
        }
    }
}

/// Undoes the ways tshark releases print the same dissection differently,
/// none of them ours, so that one expected file serves every release:
/// - `-T fields` on every release: HTTP's own chat expert info for each
///   request and status line (`GET /x HTTP/1.1\r\n`, see
///   `is_http_line_chat`) is left out of the
///   `_ws.expert.message` column: HTTP raises it up to 4.2 and no longer
///   from 4.4. No expert info of ours ends with a line break.
/// - `-T fields` from 4.2: a boolean is `True`/`False`, shown as 4.0's `1`/`0`.
/// - `-T json` on every release: the `"_type": "doc"` line that 4.6 no
///   longer prints is left out.
/// - from 4.6: absolute times in `-T fields` are ISO 8601 (shown as earlier
///   releases print them, `Mar  9, 2019 18:29:01.327000000 UTC`), and `-x`
///   calls the frame's bytes "Packet" instead of "Frame".
pub fn normalise_stock_output(args: &[&str], stdout: &str) -> String {
    let fields_mode = args.windows(2).any(|w| w == ["-T", "fields"]);
    let mut out = String::with_capacity(stdout.len());
    for line in stdout.split_inclusive('\n') {
        if line.trim() == r#""_type": "doc","# {
            continue;
        }
        let mut line = line.to_string();
        if fields_mode {
            line = normalise_fields_line(args, &line);
        }
        if ws_at_least(4, 6) {
            if let Some(rest) = line.strip_prefix("Packet (") {
                if rest.trim_end().ends_with(" bytes):") {
                    line = format!("Frame ({rest}");
                }
            }
            line = classic_times(&line);
        }
        out.push_str(&line);
    }
    out
}

/// HTTP's chat expert info for a request or status line: the line itself,
/// ending with its escaped line break, or cut at Wireshark's label length
/// (239 characters) when the line is longer.
fn is_http_line_chat(message: &str) -> bool {
    const LABEL_LIMIT: usize = 239;
    let http_line = ["GET ", "POST ", "HTTP/1."]
        .iter()
        .any(|start| message.starts_with(start));
    message.ends_with("\\r\\n") || (http_line && message.len() >= LABEL_LIMIT)
}

/// One line of `-T fields` output (see `normalise_stock_output`).
fn normalise_fields_line(args: &[&str], line: &str) -> String {
    let fields: Vec<&str> = args
        .windows(2)
        .filter(|w| w[0] == "-e")
        .map(|w| w[1])
        .collect();
    let aggregator = args
        .iter()
        .find_map(|a| a.strip_prefix("aggregator="))
        .unwrap_or(",");
    let expert_column = fields.iter().position(|f| *f == "_ws.expert.message");
    let (body, end) = match line.strip_suffix('\n') {
        Some(body) => (body, "\n"),
        None => (line, ""),
    };
    let columns: Vec<String> = body
        .split('\t')
        .enumerate()
        .map(|(i, column)| {
            let entries = column
                .split(aggregator)
                .filter(|entry| Some(i) != expert_column || !is_http_line_chat(entry));
            let entries = entries.map(|entry| match entry {
                "True" if ws_at_least(4, 2) => "1",
                "False" if ws_at_least(4, 2) => "0",
                other => other,
            });
            entries.collect::<Vec<_>>().join(aggregator)
        })
        .collect();
    format!("{}{end}", columns.join("\t"))
}

/// Every `YYYY-MM-DDTHH:MM:SS[.fraction]Z` in `text` rewritten as
/// `Mon DD, YYYY HH:MM:SS[.fraction] UTC` (day padded with a space).
pub fn classic_times(text: &str) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let bytes = text.as_bytes();
    let digits = |at: usize, n: usize| {
        bytes.len() >= at + n && bytes[at..at + n].iter().all(u8::is_ascii_digit)
    };
    let punct = |at: usize, c: u8| bytes.get(at) == Some(&c);
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        let looks_iso = digits(i, 4)
            && punct(i + 4, b'-')
            && digits(i + 5, 2)
            && punct(i + 7, b'-')
            && digits(i + 8, 2)
            && punct(i + 10, b'T')
            && digits(i + 11, 2)
            && punct(i + 13, b':')
            && digits(i + 14, 2)
            && punct(i + 16, b':')
            && digits(i + 17, 2);
        if !looks_iso {
            i += 1;
            continue;
        }
        let mut end = i + 19;
        if punct(end, b'.') {
            end += 1;
            while bytes.get(end).is_some_and(u8::is_ascii_digit) {
                end += 1;
            }
        }
        let month: usize = text[i + 5..i + 7].parse().unwrap_or(0);
        if !punct(end, b'Z') || !(1..=12).contains(&month) {
            i += 1;
            continue;
        }
        let day: u32 = text[i + 8..i + 10].parse().unwrap_or(0);
        out.push_str(&text[copied..i]);
        out.push_str(&format!(
            "{} {day:>2}, {} {} UTC",
            MONTHS[month - 1],
            &text[i..i + 4],
            &text[i + 11..end]
        ));
        i = end + 1;
        copied = i;
    }
    out.push_str(&text[copied..]);
    out
}

/// `tests/expected/<name>`, or the variant for the newest release not newer
/// than the one under test: `<stem>@4.2.<ext>` holds what 4.2 and later
/// print where tshark itself differs from 4.0 (used by 4.2, 4.4 and 4.6
/// unless a `@4.4` or `@4.6` variant exists).
fn expected_path(name: &str) -> PathBuf {
    let base = repo().join("tests/expected").join(name);
    let (stem, ext) = match name.rsplit_once('.') {
        Some((stem, ext)) if !ext.contains('/') => (stem, format!(".{ext}")),
        _ => (name, String::new()),
    };
    let (major, minor) = ws_release();
    for variant_minor in (0..=minor).rev() {
        let variant = repo()
            .join("tests/expected")
            .join(format!("{stem}@{major}.{variant_minor}{ext}"));
        if variant.exists() {
            return variant;
        }
    }
    base
}

/// Compares `actual` with `tests/expected/<name>` (or its variant for this
/// release, see `expected_path`). With EMCC_BLESS=1 the file is (re)written
/// instead: review the diff before committing.
pub fn assert_matches_expected(name: &str, actual: &str) {
    let path = expected_path(name);
    if std::env::var_os("EMCC_BLESS").is_some() {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, actual).expect("write expected file");
        return;
    }
    let expected = fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "missing {}: run `EMCC_BLESS=1 cargo test` to create it, then review it",
            path.display()
        )
    });
    if expected != actual {
        let diff: Vec<String> = expected
            .lines()
            .zip(actual.lines())
            .enumerate()
            .filter(|(_, (e, a))| e != a)
            .take(10)
            .map(|(i, (e, a))| format!("line {}:\n  expected: {e}\n  actual:   {a}", i + 1))
            .collect();
        panic!(
            "output differs from {} ({} vs {} lines); first differences:\n{}\n\
             If the change is intended, rerun with EMCC_BLESS=1 and review the diff.",
            path.display(),
            expected.lines().count(),
            actual.lines().count(),
            diff.join("\n")
        );
    }
}

/// The file names of the bundled captures (`captures/*.pcapng`), sorted.
pub fn bundled_captures() -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("captures");
    let mut names: Vec<String> = fs::read_dir(dir)
        .expect("captures/ exists")
        .map(|e| {
            e.expect("read captures/")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|n| n.ends_with(".pcapng"))
        .collect();
    names.sort();
    assert!(!names.is_empty(), "no captures in captures/");
    names
}

/// `tshark -q -r CAPTURE -z Z`: a statistic's report; fails the test if
/// tshark does or writes what it should not.
pub fn report_output(capture: &str, z: &str) -> String {
    let s = sandbox();
    let path = s.capture(capture);
    let run = s.tshark(&["-n", "-q", "-r", &path, "-z", z]);
    run.assert_clean(&format!("-z {z} on {capture}"));
    run.stdout
}

/// The expert infos of `ciscoreg` that are findings, by the name after
/// `ciscoreg.` (what the JSON report calls a finding's kind).
pub const CISCOREG_FINDINGS: [&str; 6] = [
    "missed",
    "rejected",
    "failover",
    "loop",
    "unregistered",
    "incomplete",
];

/// `tshark -r CAPTURE [EXTRA] -Y FILTER -T fields -e ...` with every
/// occurrence of a field joined by `|`; fails the test if tshark does.
pub fn fields_output(capture: &str, filter: &str, fields: &[&str], extra: &[&str]) -> String {
    fields_output_with_env(capture, filter, fields, extra, &[])
}

/// `fields_output` with extra environment variables for tshark.
pub fn fields_output_with_env(
    capture: &str,
    filter: &str,
    fields: &[&str],
    extra: &[&str],
    env: &[(&str, &str)],
) -> String {
    let s = sandbox();
    let path = s.capture(capture);
    let mut args = vec!["-n", "-r", &path];
    args.extend_from_slice(extra);
    args.extend([
        "-Y",
        filter,
        "-T",
        "fields",
        "-E",
        "occurrence=a",
        "-E",
        "aggregator=|",
    ]);
    for f in fields {
        args.extend(["-e", f]);
    }
    let run = s.tshark_with_env(&args, env);
    run.assert_clean(&format!("fields over {capture} ({filter}, env {env:?})"));
    run.stdout
}
