//! The real `emcc-install` and the real tshark, in sandbox homes and a
//! sandbox "global" plugin folder (`WIRESHARK_PLUGIN_DIR`, which tshark and
//! so the installer read as the global folder when not run as root): what
//! the installer says about who loads which copy, and that tshark does
//! exactly that.

mod common;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::WS_MAJOR_MINOR;

const SKIPPED: &str = "The plugin 'emcc.so' was found in multiple directories";

struct Place {
    root: PathBuf,
    /// The tests run as root: normal users' runs go through setpriv.
    tests_as_root: bool,
}

struct Out {
    stdout: String,
    stderr: String,
}

impl Place {
    fn new(name: &str) -> Place {
        // Builds the plugin next to the installer (and checks tshark loads it).
        common::sandbox();
        let tests_as_root = running_as_root();
        let root = std::env::temp_dir()
            .join("emcc-tests")
            .join(format!("install-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        for dir in ["home", "global", "data"] {
            fs::create_dir_all(root.join(dir)).unwrap();
        }
        open_to_all(&root);
        Place {
            root,
            tests_as_root,
        }
    }

    fn home(&self) -> PathBuf {
        self.root.join("home")
    }

    fn personal_copy(&self) -> PathBuf {
        self.home()
            .join(".local/lib/wireshark/plugins")
            .join(WS_MAJOR_MINOR)
            .join("epan/emcc.so")
    }

    fn global_copy(&self) -> PathBuf {
        self.root
            .join("global")
            .join(WS_MAJOR_MINOR)
            .join("epan/emcc.so")
    }

    /// Runs `program` as a normal user (nobody, when the tests run as
    /// root), or as root with `as_root`, with the sandbox's folders.
    fn run(&self, program: &str, args: &[&str], as_root: bool) -> Out {
        let mut cmd = if self.tests_as_root && !as_root {
            let mut c = Command::new("setpriv");
            c.args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
                .arg(program);
            c
        } else {
            Command::new(program)
        };
        let out = cmd
            .args(args)
            .current_dir(&self.root)
            .env("HOME", self.home())
            .env("WIRESHARK_PLUGIN_DIR", self.root.join("global"))
            .env("WIRESHARK_DATA_DIR", self.root.join("data"))
            .env_remove("XDG_CONFIG_HOME")
            .env_remove("WIRESHARK_CONFIG_DIR")
            .env_remove("SUDO_USER")
            .output()
            .unwrap_or_else(|e| panic!("run {program}: {e}"));
        let result = Out {
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        };
        assert!(
            out.status.success(),
            "{program} {args:?} failed:\n{}\n{}",
            result.stdout,
            result.stderr
        );
        open_to_all(&self.root);
        result
    }

    fn install(&self, args: &[&str]) -> Out {
        let mut all = vec!["--no-profile"];
        all.extend(args);
        self.run(env!("CARGO_BIN_EXE_emcc-install"), &all, false)
    }

    /// The emcc.so tshark loaded (its path), and tshark's stderr.
    fn loaded(&self, as_root: bool) -> (Option<PathBuf>, String) {
        let out = self.run("tshark", &["-G", "plugins"], as_root);
        let path = out
            .stdout
            .lines()
            .find(|l| l.starts_with("emcc.so"))
            .and_then(|l| l.rsplit('\t').next())
            .map(PathBuf::from);
        (path, out.stderr)
    }
}

fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn open_to_all(dir: &Path) {
    let _ = fs::set_permissions(dir, fs::Permissions::from_mode(0o777));
    if let Ok(entries) = fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                open_to_all(&path);
            } else {
                let _ = fs::set_permissions(&path, fs::Permissions::from_mode(0o666));
            }
        }
    }
}

#[test]
fn personal_global_and_shadowed_copies() {
    let p = Place::new("copies");
    let installer = env!("CARGO_BIN_EXE_emcc-install");

    // Personal: the installer says root's Wireshark will not load it.
    let out = p.install(&[]);
    assert!(p.personal_copy().is_file());
    assert!(
        out.stdout.contains(&format!(
            "note: tshark and Wireshark run as root (sudo) never load personal plugins, \
             so they will not load this one: run them as yourself, or install for every \
             user and root with: sudo {installer} --global"
        )),
        "{}",
        out.stdout
    );
    assert!(out.stderr.is_empty(), "{}", out.stderr);
    assert_eq!(p.loaded(false).0, Some(p.personal_copy()));

    // Global, with the personal copy still there: it names it, says the
    // global copy is loaded, and tshark agrees (and says it skipped one).
    let out = p.install(&["--global"]);
    assert!(p.global_copy().is_file());
    let global = p.global_copy().display().to_string();
    let personal = p.personal_copy().display().to_string();
    assert!(
        out.stdout.contains(&format!(
            "note: {personal}, in a personal plugin folder, is the same build. Wireshark \
             loads the global copy {global} (it reads the global folder first) and skips \
             that one, saying \"{SKIPPED}\" (tshark on its error output, Wireshark in a \
             dialog) every time it starts as that user. Remove it: rm {personal}"
        )),
        "{}",
        out.stdout
    );
    let (loaded, stderr) = p.loaded(false);
    assert_eq!(loaded, Some(p.global_copy()));
    assert!(stderr.contains(SKIPPED), "{stderr}");

    // A different build in the global folder: a personal install is
    // shadowed, loudly; tshark still loads the global one.
    let mut other_build = fs::read(p.global_copy()).unwrap();
    other_build.extend_from_slice(b"another build");
    fs::write(p.global_copy(), other_build).unwrap();
    let out = p.install(&[]);
    assert!(
        out.stderr.contains(&format!(
            "emcc-install: WARNING: Wireshark will NOT load {personal}: {global} is \
             installed too, a different build"
        )),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains(&format!(
            "Replace it with this build: sudo {installer} --global; or remove it to use \
             your personal copy: sudo rm {global}"
        )),
        "{}",
        out.stderr
    );
    let (loaded, stderr) = p.loaded(false);
    assert_eq!(loaded, Some(p.global_copy()));
    assert!(stderr.contains(SKIPPED), "{stderr}");
    let _ = fs::remove_dir_all(&p.root);
}

/// Root installing personally (what `sudo emcc-install` does): a loud
/// warning, and indeed root's tshark does not load the copy.
#[test]
fn root_personal_install_is_not_loaded_by_root() {
    if !running_as_root() {
        eprintln!("not root: skipped");
        return;
    }
    let p = Place::new("root");
    let out = p.run(env!("CARGO_BIN_EXE_emcc-install"), &["--no-profile"], true);
    let personal = p.personal_copy().display().to_string();
    assert!(
        out.stderr.contains(&format!(
            "emcc-install: WARNING: you are root, and Wireshark and tshark run as root \
             never load personal plugins: root's will not load {personal}. Only a \
             Wireshark run by a normal user with that home folder will."
        )),
        "{}",
        out.stderr
    );
    assert_eq!(
        p.loaded(true).0,
        None,
        "root's tshark loaded a personal plugin"
    );
    assert_eq!(p.loaded(false).0, Some(p.personal_copy()));
    let _ = fs::remove_dir_all(&p.root);
}
