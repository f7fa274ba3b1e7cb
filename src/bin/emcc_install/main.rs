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

mod profile;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

const WS_MAJOR_MINOR: &str = concat!(env!("EMCC_WS_MAJOR"), ".", env!("EMCC_WS_MINOR"));
const GLOBAL_PLUGIN_DIR: &str = env!("EMCC_WS_GLOBAL_PLUGIN_DIR");
const INSTALLED_NAME: &str = "emcc.so";

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
                     version is written as NAME.emcc-new"
                );
                return ExitCode::SUCCESS;
            }
            other => {
                eprintln!("emcc-install: unknown argument {other:?} (try --help)");
                return ExitCode::from(2);
            }
        }
    }
    let installed =
        install(options.global, options.dry_run).and_then(|()| install_profile(&options));
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

fn install(global: bool, dry_run: bool) -> Result<(), String> {
    let built = std::env::current_exe()
        .map_err(|e| format!("cannot locate myself: {e}"))?
        .with_file_name("libemcc.so");
    if !built.exists() {
        return Err(format!(
            "{} not found: build the plugin first with `cargo build --release`",
            built.display()
        ));
    }
    let folder = if global {
        if GLOBAL_PLUGIN_DIR.is_empty() {
            return Err("this build does not know the system plugin folder \
                        (built without pkg-config); copy the file by hand"
                .into());
        }
        PathBuf::from(GLOBAL_PLUGIN_DIR).join("epan")
    } else {
        let home = std::env::var_os("HOME").ok_or("HOME is not set")?;
        PathBuf::from(home)
            .join(".local/lib/wireshark/plugins")
            .join(WS_MAJOR_MINOR)
            .join("epan")
    };
    check_tshark_version()?;
    if !global && is_root() {
        eprintln!(
            "emcc-install: warning: you are root, and Wireshark run as root ignores \
             personal plugins; use --global for a root tshark"
        );
    }
    let target = folder.join(INSTALLED_NAME);
    if dry_run {
        println!("would copy {} to {}", built.display(), target.display());
        return Ok(());
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
    Ok(())
}

fn install_profile(options: &Options) -> Result<(), String> {
    if options.profile == ProfileChoice::Skip {
        return Ok(());
    }
    let profiles = profiles_folder(options.global)?;
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
    let from_tshark = Command::new("tshark")
        .args(["-G", "folders"])
        .output()
        .ok()
        .and_then(|out| {
            String::from_utf8_lossy(&out.stdout)
                .lines()
                .find_map(|line| line.strip_prefix(wanted).map(|p| PathBuf::from(p.trim())))
        })
        .filter(|p| !p.as_os_str().is_empty());
    let folder = match from_tshark {
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
