#![forbid(unsafe_code)]
//! Installs the plugin built next to this program into Wireshark's plugin
//! folder for the Wireshark version it was built against, and the "EMCC"
//! configuration profile into Wireshark's profiles folder.
//!
//! Usage: `cargo build --release && target/release/emcc-install [--global]
//! [--dry-run] [--no-profile] [--replace-profile]`
//!
//! - default: the personal folder `~/.local/lib/wireshark/plugins/X.Y/epan/`,
//!   the profile into the personal configuration folder's `profiles/EMCC`;
//! - `--global`: the system folder from `pkg-config --variable=plugindir
//!   wireshark` (needs root), the only one a tshark run as root reads; the
//!   profile into the global configuration folder's `profiles/EMCC`, which
//!   Wireshark lists for every user and copies into a user's own profiles
//!   when they choose it.
//!
//! Both folders are asked from tshark (`tshark -G folders`, "Personal
//! Plugins" and "Global Plugins"), so the installer copies where the
//! installed tshark looks, for the user it runs as: `WIRESHARK_PLUGIN_DIR`
//! moves the global folder for a tshark not run as root, as it does for
//! Wireshark itself (the tests use it to install "globally" into a sandbox).
//!
//! Afterwards it says who will load the copy (`copies.rs`): not Wireshark
//! run as root when the copy is personal, and not any Wireshark when a
//! different build sits in the global folder, which Wireshark reads first.
//! When that global copy belongs to a Debian package (`wireshark-emcc`,
//! asked from dpkg, `package.rs`), it says so, and `--global` refuses to
//! overwrite it: the package has to be removed first.

mod copies;
mod package;
mod profile;

use copies::{Note, OtherCopy, Situation};

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

const WS_MAJOR_MINOR: &str = concat!(env!("EMCC_WS_MAJOR"), ".", env!("EMCC_WS_MINOR"));
const GLOBAL_PLUGIN_DIR: &str = env!("EMCC_WS_GLOBAL_PLUGIN_DIR");
const INSTALLED_NAME: &str = "emcc.so";
/// Asked which package owns a file (found on PATH; missing without dpkg).
const DPKG_QUERY: &str = "dpkg-query";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut options = Options::default();
    for arg in &args {
        match arg.as_str() {
            "--global" => options.global = true,
            "--dry-run" => options.dry_run = true,
            "--no-profile" => options.profile = ProfileChoice::Skip,
            "--replace-profile" => options.profile = ProfileChoice::ReplaceEdited,
            "-h" | "--help" => {
                println!(
                    "usage: emcc-install [--global] [--dry-run] [--no-profile] [--replace-profile]\n\
                     Copies libemcc.so (built for Wireshark {WS_MAJOR_MINOR}) into the personal \
                     plugin folder, or with --global into the system one, and the Wireshark \
                     configuration profile \"EMCC\" into the personal (--global: system) \
                     profiles folder.\n\
                     --dry-run          say what would be copied, copy nothing\n\
                     --no-profile       install the plugin only\n\
                     --replace-profile  replace profile files edited since the last install \
                     (yours are kept as NAME.emcc-old); without it they are kept and the new \
                     version is written as NAME.emcc-new\n\
                     Afterwards it says which Wireshark will load the copy: Wireshark run \
                     as root never loads a personal one, and a copy in the system folder \
                     is loaded before (and instead of) a personal one. A copy installed \
                     by the package wireshark-emcc is not overwritten by --global: \
                     remove the package first (sudo apt remove wireshark-emcc)."
                );
                return ExitCode::SUCCESS;
            }
            other => {
                eprintln!("emcc-install: unknown argument {other:?} (try --help)");
                return ExitCode::from(2);
            }
        }
    }
    let installed = install(&options).and_then(|notes| {
        let profile = install_profile(&options);
        // Last, so that they are not scrolled away by the profile's lines.
        for note in notes {
            if note.loud {
                eprintln!("emcc-install: WARNING: {}", note.text);
            } else {
                println!("note: {}", note.text);
            }
        }
        profile
    });
    match installed {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("emcc-install: {message}");
            ExitCode::FAILURE
        }
    }
}

#[derive(Default)]
struct Options {
    global: bool,
    dry_run: bool,
    profile: ProfileChoice,
}

#[derive(Default, PartialEq)]
enum ProfileChoice {
    #[default]
    Install,
    ReplaceEdited,
    Skip,
}

fn install(options: &Options) -> Result<Vec<Note>, String> {
    let built = std::env::current_exe()
        .map_err(|e| format!("cannot locate myself: {e}"))?
        .with_file_name("libemcc.so");
    if !built.exists() {
        return Err(format!(
            "{} not found: build the plugin first with `cargo build --release`",
            built.display()
        ));
    }
    check_tshark_version()?;
    let folders = TsharkFolders::ask();
    let personal = personal_plugin_folder(&folders)?;
    let global = global_plugin_folder(&folders);
    let folder = if options.global {
        global.clone().ok_or(
            "this build does not know the system plugin folder \
             (built without pkg-config, and no tshark to ask); copy the file by hand",
        )?
    } else {
        personal.clone()
    };
    let target = folder.join(INSTALLED_NAME);
    // The package the global folder's copy belongs to (it may be missing:
    // dpkg still owns the path).
    let packaged = global
        .as_ref()
        .and_then(|folder| package::owner(DPKG_QUERY, &folder.join(INSTALLED_NAME)));
    if let (true, Some(package)) = (options.global, &packaged) {
        return Err(package::refuse_global(&target, package));
    }
    let notes = notes_for(
        options.global,
        &built,
        &target,
        &personal,
        global.as_deref(),
        packaged,
    );
    if options.dry_run {
        println!("would copy {} to {}", built.display(), target.display());
        return Ok(notes);
    }
    std::fs::create_dir_all(&folder)
        .map_err(|e| format!("cannot create {}: {e}", folder.display()))?;
    // Copy to a temporary name and rename, so a running Wireshark never sees
    // a half-written library.
    let partial = folder.join(format!(".{INSTALLED_NAME}.partial"));
    std::fs::copy(&built, &partial)
        .map_err(|e| format!("cannot copy to {}: {e}", partial.display()))?;
    std::fs::rename(&partial, &target)
        .map_err(|e| format!("cannot install {}: {e}", target.display()))?;
    println!(
        "installed {} (for Wireshark {WS_MAJOR_MINOR}); check with: tshark -G plugins | grep emcc",
        target.display()
    );
    Ok(notes)
}

/// Gathers who runs this and which other copies exist, and says what that
/// means for the copy in `target` (see `copies::notes`).
fn notes_for(
    global: bool,
    built: &Path,
    target: &Path,
    personal: &Path,
    global_folder: Option<&Path>,
    packaged: Option<package::Package>,
) -> Vec<Note> {
    let homes = copies::homes(&std::fs::read_to_string("/etc/passwd").unwrap_or_default());
    let root_home = homes
        .iter()
        .find(|(user, _)| user == "root")
        .map_or_else(|| PathBuf::from("/root"), |(_, home)| home.clone());
    let sudo_user = std::env::var("SUDO_USER").ok().filter(|u| !u.is_empty());
    let built_bytes = std::fs::read(built).ok();
    let other_copy = |path: PathBuf| {
        if path == target || !path.is_file() {
            return None;
        }
        Some(OtherCopy {
            owner: copies::owner_of(&path, &homes),
            same_build: built_bytes.is_some() && std::fs::read(&path).ok() == built_bytes,
            package: None,
            path,
        })
    };
    let mut personal_copies: Vec<OtherCopy> = Vec::new();
    if global {
        // This user's personal folder (as tshark reports it), then every
        // home this installer can see into.
        let mut candidates = vec![personal.join(INSTALLED_NAME)];
        candidates.extend(homes.iter().map(|(_, home)| {
            home.join(".local/lib/wireshark/plugins")
                .join(WS_MAJOR_MINOR)
                .join("epan")
                .join(INSTALLED_NAME)
        }));
        for path in candidates {
            if personal_copies.iter().all(|c| c.path != path) {
                personal_copies.extend(other_copy(path));
            }
        }
    }
    let global_copy = match global_folder {
        Some(folder) if !global => other_copy(folder.join(INSTALLED_NAME)).map(|copy| OtherCopy {
            package: packaged,
            ..copy
        }),
        _ => None,
    };
    let installer = installer_command();
    copies::notes(&Situation {
        global,
        root: is_root(),
        sudo_user: sudo_user.as_deref(),
        installer: &installer,
        target,
        root_home: &root_home,
        global_copy,
        personal_copies,
    })
}

/// This program as the user can type it again: as it was typed when that
/// was a path (`target/release/emcc-install`), else its full path.
fn installer_command() -> PathBuf {
    match std::env::args_os().next() {
        Some(typed) if Path::new(&typed).components().count() > 1 => PathBuf::from(typed),
        _ => std::env::current_exe().unwrap_or_else(|_| PathBuf::from("emcc-install")),
    }
}

/// `tshark -G folders`, asked once: the folders the installed Wireshark
/// reads, for the user this runs as and its environment.
struct TsharkFolders(String);

impl TsharkFolders {
    fn ask() -> TsharkFolders {
        let text = Command::new("tshark")
            .args(["-G", "folders"])
            .output()
            .map(|out| String::from_utf8_lossy(&out.stdout).into_owned())
            .unwrap_or_default();
        TsharkFolders(text)
    }

    /// The folder on the line that starts with `label` (e.g. "Global Plugins:").
    fn get(&self, label: &str) -> Option<PathBuf> {
        self.0
            .lines()
            .find_map(|line| line.strip_prefix(label).map(|p| PathBuf::from(p.trim())))
            .filter(|p| !p.as_os_str().is_empty())
    }
}

/// `.../plugins/X.Y/epan` in the user's home.
fn personal_plugin_folder(folders: &TsharkFolders) -> Result<PathBuf, String> {
    let versioned = match folders.get("Personal Plugins:") {
        Some(folder) => folder,
        None => {
            let home = std::env::var_os("HOME").ok_or("HOME is not set")?;
            PathBuf::from(home)
                .join(".local/lib/wireshark/plugins")
                .join(WS_MAJOR_MINOR)
        }
    };
    Ok(versioned.join("epan"))
}

/// The system's `.../plugins/X.Y/epan`, if known.
fn global_plugin_folder(folders: &TsharkFolders) -> Option<PathBuf> {
    let versioned = folders
        .get("Global Plugins:")
        .or_else(|| (!GLOBAL_PLUGIN_DIR.is_empty()).then(|| PathBuf::from(GLOBAL_PLUGIN_DIR)))?;
    Some(versioned.join("epan"))
}

fn install_profile(options: &Options) -> Result<(), String> {
    if options.profile == ProfileChoice::Skip {
        return Ok(());
    }
    let profiles = profiles_folder(options.global)?;
    if options.global {
        let packaged_file = profiles
            .join(profile::PROFILE_NAME)
            .join(profile::FILES[0].name);
        if let Some(package) = package::owner(DPKG_QUERY, &packaged_file) {
            return Err(package::refuse_global(&packaged_file, &package));
        }
    }
    let replace = options.profile == ProfileChoice::ReplaceEdited;
    let lines = profile::install(&profiles, replace, options.dry_run)
        .map_err(|e| format!("{e} (--no-profile skips the profile)"))?;
    for line in lines {
        if options.dry_run {
            println!("would {line}");
        } else {
            println!("profile: {line}");
        }
    }
    if !options.dry_run {
        println!(
            "installed the Wireshark profile {} in {}; choose it in Wireshark's status bar \
             (Profile) or run tshark -C {}",
            profile::PROFILE_NAME,
            profiles.display(),
            profile::PROFILE_NAME
        );
    }
    Ok(())
}

/// The profiles folder Wireshark reads: asked from tshark itself
/// (`-G folders`), which knows about `WIRESHARK_CONFIG_DIR`, an old
/// `~/.wireshark` and `XDG_CONFIG_HOME`; the usual places if tshark is missing.
fn profiles_folder(global: bool) -> Result<PathBuf, String> {
    let wanted = if global {
        "Global configuration:"
    } else {
        "Personal configuration:"
    };
    let folder = match TsharkFolders::ask().get(wanted) {
        Some(folder) => folder,
        None if global => PathBuf::from("/usr/share/wireshark"),
        None => match std::env::var_os("XDG_CONFIG_HOME") {
            Some(config) => PathBuf::from(config).join("wireshark"),
            None => Path::new(&std::env::var_os("HOME").ok_or("HOME is not set")?)
                .join(".config/wireshark"),
        },
    };
    Ok(folder.join("profiles"))
}

/// Wireshark loads a plugin only into the major.minor it was built for (its
/// folder is named after that release): refuse to install a plugin the
/// installed Wireshark would silently skip.
fn check_tshark_version() -> Result<(), String> {
    let Ok(out) = Command::new("tshark").arg("--version").output() else {
        eprintln!("emcc-install: warning: tshark not found; cannot check its version");
        return Ok(());
    };
    let text = String::from_utf8_lossy(&out.stdout);
    let running = text
        .split_whitespace()
        .nth(2)
        .and_then(|v| {
            let mut parts = v.split('.');
            Some(format!("{}.{}", parts.next()?, parts.next()?))
        })
        .unwrap_or_default();
    if running != WS_MAJOR_MINOR {
        return Err(format!(
            "tshark here is Wireshark {running} but the plugin was built for \
             {WS_MAJOR_MINOR}, and Wireshark loads a plugin only into the release it was \
             built for. Install libwireshark-dev of the running release and rebuild \
             (`cargo build --release`), then run this again."
        ));
    }
    Ok(())
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}
