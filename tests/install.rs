//! The real `emcc-install` and the real tshark, in sandbox homes and a
//! sandbox "global" plugin folder (`WIRESHARK_PLUGIN_DIR`, which tshark and
//! so the installer read as the global folder when not run as root): what
//! the installer says about who loads which copy, and that tshark does
//! exactly that. A copy installed by the Debian package is faked with a
//! `dpkg-query` script first on PATH.

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
    /// PATH for the runs (None: the tests' own).
    path: Option<std::ffi::OsString>,
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
            path: None,
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

    /// From now on, a `dpkg-query` that says the global folder's emcc.so
    /// belongs to the package wireshark-emcc 0.1.0+wireshark4.0 comes first
    /// on PATH.
    fn fake_dpkg(&mut self) {
        let bin = self.root.join("bin");
        fs::create_dir_all(&bin).unwrap();
        let script = bin.join("dpkg-query");
        let global = self.root.join("global");
        fs::write(
            &script,
            format!(
                "#!/bin/sh\n\
                 case \"$1 $2\" in\n\
                 \"-S {global}/\"*/epan/emcc.so) echo \"wireshark-emcc: $2\" ;;\n\
                 -S*) echo \"dpkg-query: no path found matching pattern $2\" >&2; exit 1 ;;\n\
                 -W*) printf 'install ok installed\\t0.1.0+wireshark4.0\\n' ;;\n\
                 *) exit 2 ;;\n\
                 esac\n",
                global = global.display()
            ),
        )
        .unwrap();
        fs::set_permissions(&script, fs::Permissions::from_mode(0o755)).unwrap();
        let mut path = bin.into_os_string();
        path.push(":");
        path.push(std::env::var_os("PATH").unwrap_or_default());
        self.path = Some(path);
    }

    /// Runs `program` as a normal user (nobody, when the tests run as
    /// root), or as root with `as_root`, with the sandbox's folders.
    fn run(&self, program: &str, args: &[&str], as_root: bool) -> Out {
        let (out, success) = self.run_status(program, args, as_root);
        assert!(
            success,
            "{program} {args:?} failed:\n{}\n{}",
            out.stdout, out.stderr
        );
        out
    }

    /// `run`, which may fail: its output, and whether it succeeded.
    fn run_status(&self, program: &str, args: &[&str], as_root: bool) -> (Out, bool) {
        let mut cmd = if self.tests_as_root && !as_root {
            let mut c = Command::new("setpriv");
            c.args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
                .arg(program);
            c
        } else {
            Command::new(program)
        };
        if let Some(path) = &self.path {
            cmd.env("PATH", path);
        }
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
        open_to_all(&self.root);
        (result, out.status.success())
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
                // Keep scripts (the fake dpkg-query) runnable.
                let runnable = entry
                    .metadata()
                    .is_ok_and(|m| m.permissions().mode() & 0o111 != 0);
                let mode = if runnable { 0o777 } else { 0o666 };
                let _ = fs::set_permissions(&path, fs::Permissions::from_mode(mode));
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

/// The global folder's copy belongs to the package wireshark-emcc (a fake
/// dpkg-query says so): a personal install is warned that it is never
/// loaded, and how to use it (remove the package); `--global` refuses to
/// overwrite the packaged file.
#[test]
fn packaged_global_copy_wins_and_is_not_overwritten() {
    let mut p = Place::new("package");
    let installer = env!("CARGO_BIN_EXE_emcc-install");
    // The "package's" copy: another build in the global folder.
    p.install(&["--global"]);
    let mut package_build = fs::read(p.global_copy()).unwrap();
    package_build.extend_from_slice(b"the package's build");
    fs::write(p.global_copy(), &package_build).unwrap();
    p.fake_dpkg();
    let global = p.global_copy().display().to_string();
    let personal = p.personal_copy().display().to_string();

    let out = p.install(&[]);
    assert!(p.personal_copy().is_file());
    assert!(
        out.stderr.contains(&format!(
            "emcc-install: WARNING: Wireshark will NOT load {personal}: {global} belongs \
             to the package wireshark-emcc 0.1.0+wireshark4.0, and Wireshark (root's too) \
             loads the package's copy from the global folder"
        )),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains(&format!(
            "To use this build instead: sudo apt remove wireshark-emcc, then run \
             {installer} again (or sudo apt remove wireshark-emcc, then sudo {installer} \
             --global for every user and root)"
        )),
        "{}",
        out.stderr
    );
    let (loaded, stderr) = p.loaded(false);
    assert_eq!(loaded, Some(p.global_copy()));
    assert!(stderr.contains(SKIPPED), "{stderr}");

    for args in [&["--global"][..], &["--global", "--dry-run"]] {
        let (out, success) = p.run_status(installer, &[&["--no-profile"], args].concat(), false);
        assert!(
            !success,
            "{args:?} overwrote a packaged file:\n{}",
            out.stdout
        );
        assert!(
            out.stderr.contains(&format!(
                "emcc-install: not installing: {global} belongs to the package \
                 wireshark-emcc 0.1.0+wireshark4.0, and overwriting a packaged file breaks \
                 `apt remove` and upgrades of that package."
            )),
            "{}",
            out.stderr
        );
        assert!(
            out.stderr
                .contains("remove the package first: sudo apt remove wireshark-emcc"),
            "{}",
            out.stderr
        );
        assert_eq!(fs::read(p.global_copy()).unwrap(), package_build);
    }
    let _ = fs::remove_dir_all(&p.root);
}
