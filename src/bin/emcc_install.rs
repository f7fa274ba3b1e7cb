//! Installs the plugin built next to this program into Wireshark's plugin
//! folder for the Wireshark version it was built against.
//!
//! Usage: `cargo build --release && target/release/emcc-install [--global] [--dry-run]`
//!
//! - default: the personal folder `~/.local/lib/wireshark/plugins/X.Y/epan/`;
//! - `--global`: the system folder from `pkg-config --variable=plugindir
//!   wireshark` (needs root), the only one a tshark run as root reads.

use std::path::PathBuf;
use std::process::{Command, ExitCode};

const WS_MAJOR_MINOR: &str = concat!(env!("EMCC_WS_MAJOR"), ".", env!("EMCC_WS_MINOR"));
const GLOBAL_PLUGIN_DIR: &str = env!("EMCC_WS_GLOBAL_PLUGIN_DIR");
const INSTALLED_NAME: &str = "emcc.so";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut global = false;
    let mut dry_run = false;
    for arg in &args {
        match arg.as_str() {
            "--global" => global = true,
            "--dry-run" => dry_run = true,
            "-h" | "--help" => {
                println!(
                    "usage: emcc-install [--global] [--dry-run]\n\
                     Copies libemcc.so (built for Wireshark {WS_MAJOR_MINOR}) into the personal \
                     plugin folder, or with --global into the system one."
                );
                return ExitCode::SUCCESS;
            }
            other => {
                eprintln!("emcc-install: unknown argument {other:?} (try --help)");
                return ExitCode::from(2);
            }
        }
    }
    match install(global, dry_run) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("emcc-install: {message}");
            ExitCode::FAILURE
        }
    }
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
