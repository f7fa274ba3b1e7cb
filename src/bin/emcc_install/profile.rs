//! The Wireshark configuration profile "EMCC": its files (kept in
//! `src/profile/`, built into the installer) and how they are installed into
//! a profiles folder without ever overwriting a user's edits silently.
//!
//! Next to the files the installer keeps `.emcc-install`, one line per file
//! with a hash of the text it wrote. On a later install a file whose text
//! still has that hash is the installer's own and is updated; a file that
//! differs (edited by hand, or rewritten by Wireshark when a preference or
//! coloring rule was changed in the GUI) is kept, and the new version is put
//! beside it as `NAME.emcc-new`. `--replace-profile` installs the new
//! version anyway and keeps the user's as `NAME.emcc-old`.
//!
//! `recent` (column widths) is written only when the profile has none:
//! Wireshark rewrites it with the window's state every time it closes.

use std::fs;
use std::path::{Path, PathBuf};

pub const PROFILE_NAME: &str = "EMCC";
const STAMP: &str = ".emcc-install";

/// One file of the profile, as Wireshark names it in a profile folder.
pub struct ProfileFile {
    pub name: &'static str,
    pub text: &'static str,
    /// Written when missing, never updated (Wireshark owns it afterwards).
    pub seed_only: bool,
}

pub const FILES: [ProfileFile; 4] = [
    ProfileFile {
        name: "preferences",
        text: include_str!("../../profile/preferences"),
        seed_only: false,
    },
    ProfileFile {
        name: "colorfilters",
        text: include_str!("../../profile/colorfilters"),
        seed_only: false,
    },
    ProfileFile {
        name: "dfilter_buttons",
        text: include_str!("../../profile/dfilter_buttons"),
        seed_only: false,
    },
    ProfileFile {
        name: "recent",
        text: include_str!("../../profile/recent"),
        seed_only: true,
    },
];

/// What happens to one file.
#[derive(Debug, PartialEq, Eq)]
pub enum Action {
    /// Not there yet: written.
    Create,
    /// Already the text we install.
    Unchanged,
    /// The text an earlier install wrote, unedited: updated.
    Update,
    /// Edited since (or not ours): kept, ours written beside it.
    KeepEdited,
    /// Edited, and `--replace-profile` given: replaced, the old one kept aside.
    ReplaceEdited,
}

/// Decides what to do with a file whose current text is `current` (None:
/// missing), given the hash an earlier install recorded for it.
pub fn decide(current: Option<&str>, new: &str, recorded: Option<u64>, replace: bool) -> Action {
    match current {
        None => Action::Create,
        Some(text) if text == new => Action::Unchanged,
        Some(text) if Some(fnv1a(text.as_bytes())) == recorded => Action::Update,
        Some(_) if replace => Action::ReplaceEdited,
        Some(_) => Action::KeepEdited,
    }
}

/// Installs the profile into `profiles/EMCC`; returns one line per file
/// saying what was (or, with `dry_run`, would be) done.
pub fn install(profiles: &Path, replace: bool, dry_run: bool) -> Result<Vec<String>, String> {
    let folder = profiles.join(PROFILE_NAME);
    let recorded = read_stamp(&folder);
    let mut lines = Vec::new();
    let mut stamp = Vec::new();
    for file in &FILES {
        let path = folder.join(file.name);
        let current = fs::read_to_string(&path).ok();
        let before = recorded
            .iter()
            .find(|(name, _)| name == file.name)
            .map(|(_, hash)| *hash);
        let action = match (&current, file.seed_only) {
            (Some(_), true) => Action::Unchanged,
            _ => decide(current.as_deref(), file.text, before, replace),
        };
        let shown = path.display();
        let line = match action {
            Action::Create => format!("create {shown}"),
            Action::Unchanged if file.seed_only => format!("left as it is {shown}"),
            Action::Unchanged => format!("unchanged {shown}"),
            Action::Update => format!("update {shown}"),
            Action::KeepEdited => format!(
                "kept {shown}: it was edited since the last install; the new version is \
                 {}.emcc-new (or rerun with --replace-profile)",
                file.name
            ),
            Action::ReplaceEdited => format!(
                "replace {shown}: your edited version is kept as {}.emcc-old",
                file.name
            ),
        };
        lines.push(line);
        // The stamp keeps describing what the installer last wrote there.
        let written_hash = match action {
            _ if file.seed_only => None,
            Action::KeepEdited => before,
            _ => Some(fnv1a(file.text.as_bytes())),
        };
        if let Some(hash) = written_hash {
            stamp.push(format!("{} {hash:016x}", file.name));
        }
        if dry_run {
            continue;
        }
        fs::create_dir_all(&folder)
            .map_err(|e| format!("cannot create {}: {e}", folder.display()))?;
        match action {
            Action::Unchanged => {}
            Action::Create | Action::Update => write_whole(&path, file.text)?,
            Action::KeepEdited => write_whole(&sibling(&path, ".emcc-new"), file.text)?,
            Action::ReplaceEdited => {
                let old = sibling(&path, ".emcc-old");
                fs::rename(&path, &old)
                    .map_err(|e| format!("cannot keep {} aside: {e}", path.display()))?;
                write_whole(&path, file.text)?;
            }
        }
    }
    if !dry_run {
        write_whole(&folder.join(STAMP), &(stamp.join("\n") + "\n"))?;
    }
    Ok(lines)
}

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    path.with_file_name(name)
}

/// Writes through a temporary name and a rename: Wireshark reading the
/// profile never sees half a file.
fn write_whole(path: &Path, text: &str) -> Result<(), String> {
    let partial = sibling(path, ".partial");
    fs::write(&partial, text).map_err(|e| format!("cannot write {}: {e}", partial.display()))?;
    fs::rename(&partial, path).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn read_stamp(folder: &Path) -> Vec<(String, u64)> {
    let text = fs::read_to_string(folder.join(STAMP)).unwrap_or_default();
    text.lines()
        .filter_map(|line| {
            let (name, hash) = line.split_once(' ')?;
            Some((name.to_string(), u64::from_str_radix(hash.trim(), 16).ok()?))
        })
        .collect()
}

/// FNV-1a, 64 bits: a stable fingerprint of what was installed (it tells
/// our own text from an edited one; it is no protection against anyone).
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decides_per_file() {
        let new = "new text\n";
        let old = "old text\n";
        assert_eq!(decide(None, new, None, false), Action::Create);
        assert_eq!(decide(Some(new), new, None, false), Action::Unchanged);
        let old_hash = Some(fnv1a(old.as_bytes()));
        assert_eq!(decide(Some(old), new, old_hash, false), Action::Update);
        assert_eq!(
            decide(Some("edited\n"), new, old_hash, false),
            Action::KeepEdited
        );
        assert_eq!(
            decide(Some("edited\n"), new, None, false),
            Action::KeepEdited
        );
        assert_eq!(
            decide(Some("edited\n"), new, old_hash, true),
            Action::ReplaceEdited
        );
    }

    #[test]
    fn installs_updates_and_keeps_edits() {
        let profiles =
            std::env::temp_dir().join(format!("emcc-profile-test-{}", std::process::id()));
        let _ = fs::remove_dir_all(&profiles);
        let folder = profiles.join(PROFILE_NAME);
        let lines = install(&profiles, false, false).unwrap();
        assert!(lines.iter().all(|l| l.starts_with("create")), "{lines:?}");
        for file in &FILES {
            assert_eq!(
                fs::read_to_string(folder.join(file.name)).unwrap(),
                file.text
            );
        }
        let lines = install(&profiles, false, false).unwrap();
        assert!(
            lines[..3].iter().all(|l| l.starts_with("unchanged")),
            "{lines:?}"
        );
        assert!(lines[3].starts_with("left as it is"), "{lines:?}");

        // A user edits the coloring rules: the next install keeps them.
        let edited = "@mine@ip@[0,0,0][65535,65535,65535]\n";
        fs::write(folder.join("colorfilters"), edited).unwrap();
        let lines = install(&profiles, false, false).unwrap();
        assert!(lines[1].starts_with("kept"), "{lines:?}");
        assert_eq!(
            fs::read_to_string(folder.join("colorfilters")).unwrap(),
            edited
        );
        assert_eq!(
            fs::read_to_string(folder.join("colorfilters.emcc-new")).unwrap(),
            FILES[1].text
        );
        // Still kept on the install after that (the stamp still names ours).
        assert!(install(&profiles, false, true).unwrap()[1].starts_with("kept"));

        // An older installed version, never edited, is updated.
        fs::write(folder.join("preferences"), "old\n").unwrap();
        fs::write(
            folder.join(STAMP),
            format!(
                "preferences {:016x}\ndfilter_buttons {:016x}\n",
                fnv1a(b"old\n"),
                fnv1a(FILES[2].text.as_bytes())
            ),
        )
        .unwrap();
        let lines = install(&profiles, false, false).unwrap();
        assert!(lines[0].starts_with("update"), "{lines:?}");
        assert_eq!(
            fs::read_to_string(folder.join("preferences")).unwrap(),
            FILES[0].text
        );

        // --replace-profile: ours in place, the user's aside.
        let lines = install(&profiles, true, false).unwrap();
        assert!(lines[1].starts_with("replace"), "{lines:?}");
        assert_eq!(
            fs::read_to_string(folder.join("colorfilters")).unwrap(),
            FILES[1].text
        );
        assert_eq!(
            fs::read_to_string(folder.join("colorfilters.emcc-old")).unwrap(),
            edited
        );
        let _ = fs::remove_dir_all(&profiles);
    }
}
