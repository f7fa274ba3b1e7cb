//! Other copies of the plugin, and who runs which: what the installer tells
//! the user after copying, decided from facts it gathered (pure, tested
//! here; the facts come from `main.rs`).
//!
//! Wireshark (4.0's `wsutil/plugins.c`, `plugins_init`) scans its global
//! plugin folder first and then, unless it runs as root or setuid, the
//! personal one; a file name it already loaded is skipped with the warning
//! "The plugin 'emcc.so' was found in multiple directories". So a global
//! copy always wins, and a personal copy next to a global one is never
//! loaded. When the global copy is a file of a package (`wireshark-emcc`,
//! see `package.rs`), the way to use another build is to remove the
//! package: `emcc-install --global` does not overwrite a packaged file.

use crate::package::Package;
use std::path::{Path, PathBuf};

/// The message Wireshark prints when it skips a second copy.
pub const WIRESHARK_SKIPS: &str = "The plugin 'emcc.so' was found in multiple directories";
/// Where it says so (Wireshark 4.0: `report_warning`).
const WHERE_SAID: &str = "tshark on its error output, Wireshark in a dialog";

/// Another installed copy of the plugin.
#[derive(Debug, Clone)]
pub struct OtherCopy {
    pub path: PathBuf,
    /// Whose personal folder holds it (a user name; None: the global folder
    /// or a folder of no known user).
    pub owner: Option<String>,
    /// Byte for byte the build being installed.
    pub same_build: bool,
    /// The package the file belongs to (dpkg), if any.
    pub package: Option<Package>,
}

/// What the installer knows when it has copied (or, dry run, would copy)
/// the plugin.
pub struct Situation<'a> {
    pub global: bool,
    /// Running as root (uid 0).
    pub root: bool,
    /// The user who ran `sudo` (SUDO_USER), if any.
    pub sudo_user: Option<&'a str>,
    /// This installer, as the user can run it again.
    pub installer: &'a Path,
    /// Where the plugin goes.
    pub target: &'a Path,
    /// root's home folder (from /etc/passwd; normally /root).
    pub root_home: &'a Path,
    /// Personal install: the copy in the global folder, if there is one.
    pub global_copy: Option<OtherCopy>,
    /// Global install: copies in personal folders (the invoking user's and
    /// every user's home the installer can read).
    pub personal_copies: Vec<OtherCopy>,
}

/// One thing to tell the user. `loud`: the installed copy will not be
/// used, or not where the user probably expects it.
#[derive(Debug, PartialEq, Eq)]
pub struct Note {
    pub loud: bool,
    pub text: String,
}

fn note(loud: bool, text: String) -> Note {
    Note { loud, text }
}

/// What to tell the user about who loads the copy in `s.target`.
pub fn notes(s: &Situation) -> Vec<Note> {
    let target = s.target.display();
    let installer = s.installer.display();
    // The command that installs globally, as typed by this user.
    let global_command = if s.root && s.sudo_user.is_none() {
        format!("{installer} --global")
    } else {
        format!("sudo {installer} --global")
    };
    let package = s.global_copy.as_ref().and_then(|c| c.package.as_ref());
    // What installs this build for every user: with a package's copy in
    // the global folder, removing the package first.
    let for_everyone = match package {
        Some(package) => format!("sudo apt remove {}, then {global_command}", package.name),
        None => global_command.clone(),
    };
    let mut notes = Vec::new();
    if s.global {
        notes.push(note(
            false,
            format!("Wireshark and tshark load {target} for every user, root (sudo) included."),
        ));
        for copy in &s.personal_copies {
            let path = copy.path.display();
            let whose = match &copy.owner {
                Some(user) => format!("{user}'s"),
                None => "a".to_string(),
            };
            let build = if copy.same_build {
                "the same build"
            } else {
                "a different build"
            };
            notes.push(note(
                !copy.same_build,
                format!(
                    "{path}, in {whose} personal plugin folder, is {build}. Wireshark \
                     loads the global copy {target} (it reads the global folder first) \
                     and skips that one, saying \"{WIRESHARK_SKIPS}\" ({WHERE_SAID}) \
                     every time it starts as that user. Remove it: rm {path}"
                ),
            ));
        }
        return notes;
    }
    if s.root {
        let whose = if s.target.starts_with(s.root_home) {
            format!(
                "That folder is root's own ({}), where no other user's Wireshark \
                 looks either: no Wireshark will load this copy. ",
                s.root_home.display()
            )
        } else if s.global_copy.is_some() {
            "A Wireshark run by a normal user with that home folder would, but it \
             loads the global copy first (below). "
                .to_string()
        } else {
            "Only a Wireshark run by a normal user with that home folder will. ".to_string()
        };
        let own = match s.sudo_user {
            Some(user) => {
                format!("For {user}'s Wireshark, run {installer} as {user}, without sudo")
            }
            None => format!("For a normal user's Wireshark, run {installer} as that user"),
        };
        notes.push(note(
            true,
            format!(
                "you are root, and Wireshark and tshark run as root never load personal \
                 plugins: root's will not load {target}. {whose}{own}; for tshark run \
                 as root and every user, install globally: {for_everyone}"
            ),
        ));
    } else if package.is_some() {
        notes.push(note(
            false,
            "tshark and Wireshark run as root (sudo) never load personal plugins, so \
             they will not load this one either: they load the package's copy."
                .to_string(),
        ));
    } else {
        notes.push(note(
            false,
            format!(
                "tshark and Wireshark run as root (sudo) never load personal plugins, \
                 so they will not load this one: run them as yourself, or install for \
                 every user and root with: {global_command}"
            ),
        ));
    }
    if let Some(copy) = &s.global_copy {
        let path = copy.path.display();
        if let Some(package) = &copy.package {
            notes.push(packaged_note(s, copy, package, &for_everyone));
        } else if s.root {
            // Root's Wireshark reads only the global folder: no clash, but
            // that copy is the one root runs.
            let build = if copy.same_build {
                "the same build".to_string()
            } else {
                format!("a different build (replace it with: {global_command})")
            };
            notes.push(note(
                !copy.same_build,
                format!(
                    "{path} is installed too, {build}: that global copy is what \
                     Wireshark run as root loads, and every user's."
                ),
            ));
        } else if copy.same_build {
            notes.push(note(
                false,
                format!(
                    "{path} is installed too, the same build. Wireshark loads that \
                     global copy (it reads the global folder first), skips {target} and \
                     says \"{WIRESHARK_SKIPS}\" ({WHERE_SAID}) every time it starts. \
                     Keep one: \
                     rm {target} (the global one serves every user), or sudo rm {path}"
                ),
            ));
        } else {
            notes.push(note(
                true,
                format!(
                    "Wireshark will NOT load {target}: {path} is installed too, a \
                     different build, and Wireshark loads the global copy (it reads the \
                     global folder first), skips this one and says \"{WIRESHARK_SKIPS}\" \
                     ({WHERE_SAID}). You keep running that other build. Replace it with this \
                     build: {global_command}; or remove it to use your personal copy: \
                     sudo rm {path}"
                ),
            ));
        }
    }
    notes
}

/// A personal install while the global folder holds `package`'s copy:
/// that copy is loaded, by every user's Wireshark and root's, and this
/// one never is while the package is installed.
fn packaged_note(s: &Situation, copy: &OtherCopy, package: &Package, for_everyone: &str) -> Note {
    let target = s.target.display();
    let path = copy.path.display();
    let installer = s.installer.display();
    let whose = package.describe();
    let name = &package.name;
    if s.root {
        let build = if copy.same_build {
            "the same build".to_string()
        } else {
            format!("a different build (to use this build instead: {for_everyone})")
        };
        return note(
            !copy.same_build,
            format!(
                "{path} belongs to {whose}, {build}: the package's copy is what \
                 Wireshark run as root loads, and every user's."
            ),
        );
    }
    if copy.same_build {
        return note(
            false,
            format!(
                "{path} belongs to {whose}, the same build. Wireshark (root's too) \
                 loads the package's copy from the global folder (it reads the global \
                 folder first), skips {target} and says \"{WIRESHARK_SKIPS}\" \
                 ({WHERE_SAID}) every time it starts. Remove yours: rm {target} (the \
                 package serves every user and root)"
            ),
        );
    }
    note(
        true,
        format!(
            "Wireshark will NOT load {target}: {path} belongs to {whose}, and \
             Wireshark (root's too) loads the package's copy from the global folder \
             (it reads the global folder first), skips this one and says \
             \"{WIRESHARK_SKIPS}\" ({WHERE_SAID}). A personal install is never loaded \
             while the package is installed: you keep running the package's build. To \
             use this build instead: sudo apt remove {name}, then run {installer} \
             again (or {for_everyone} for every user and root)"
        ),
    )
}

/// (user, home folder) of every account in an /etc/passwd text.
pub fn homes(passwd: &str) -> Vec<(String, PathBuf)> {
    passwd
        .lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| {
            let fields: Vec<&str> = line.split(':').collect();
            let (user, home) = (fields.first()?, fields.get(5)?);
            (!user.is_empty() && home.starts_with('/'))
                .then(|| (user.to_string(), PathBuf::from(home)))
        })
        .collect()
}

/// The user whose home folder holds `path` (the longest matching home).
pub fn owner_of(path: &Path, homes: &[(String, PathBuf)]) -> Option<String> {
    homes
        .iter()
        .filter(|(_, home)| home != Path::new("/") && path.starts_with(home))
        .max_by_key(|(_, home)| home.as_os_str().len())
        .map(|(user, _)| user.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn situation<'a>(global: bool, root: bool, target: &'a Path) -> Situation<'a> {
        Situation {
            global,
            root,
            sudo_user: None,
            installer: Path::new("target/release/emcc-install"),
            target,
            root_home: Path::new("/root"),
            global_copy: None,
            personal_copies: Vec::new(),
        }
    }

    const PERSONAL: &str = "/home/ann/.local/lib/wireshark/plugins/4.0/epan/emcc.so";
    const GLOBAL: &str = "/usr/lib/x86_64-linux-gnu/wireshark/plugins/4.0/epan/emcc.so";

    #[test]
    fn personal_install_explains_root() {
        let s = situation(false, false, Path::new(PERSONAL));
        let notes = notes(&s);
        assert_eq!(notes.len(), 1);
        assert!(!notes[0].loud);
        assert!(notes[0]
            .text
            .contains("run as root (sudo) never load personal plugins"));
        assert!(notes[0]
            .text
            .ends_with("sudo target/release/emcc-install --global"));
    }

    #[test]
    fn personal_install_as_root_is_loaded_by_nobody() {
        let target = Path::new("/root/.local/lib/wireshark/plugins/4.0/epan/emcc.so");
        let mut s = situation(false, true, target);
        s.sudo_user = Some("ann");
        let notes = notes(&s);
        assert!(notes[0].loud);
        let text = &notes[0].text;
        assert!(text.contains("no Wireshark will load this copy"), "{text}");
        assert!(text.contains("run target/release/emcc-install as ann, without sudo"));
        assert!(text.ends_with("sudo target/release/emcc-install --global"));
        // Root logged in (no sudo): the command has no sudo.
        s.sudo_user = None;
        assert!(super::notes(&s)[0]
            .text
            .ends_with(": target/release/emcc-install --global"));
        // Root with another HOME: some normal user may load it.
        let s = situation(false, true, Path::new(PERSONAL));
        assert!(super::notes(&s)[0]
            .text
            .contains("Only a Wireshark run by a normal user"));
    }

    #[test]
    fn personal_copy_behind_a_global_one_is_shadowed() {
        let mut s = situation(false, false, Path::new(PERSONAL));
        s.global_copy = Some(OtherCopy {
            path: GLOBAL.into(),
            owner: None,
            same_build: false,
            package: None,
        });
        let notes = notes(&s);
        assert_eq!(notes.len(), 2);
        assert!(notes[1].loud);
        assert!(notes[1]
            .text
            .starts_with(&format!("Wireshark will NOT load {PERSONAL}")));
        assert!(notes[1].text.contains(WIRESHARK_SKIPS));
        assert!(notes[1].text.contains(&format!("sudo rm {GLOBAL}")));
        // The same build: nothing changes but the warning; not loud.
        s.global_copy.as_mut().unwrap().same_build = true;
        let notes = super::notes(&s);
        assert!(!notes[1].loud);
        assert!(notes[1].text.contains(&format!("skips {PERSONAL}")));
    }

    #[test]
    fn root_runs_the_global_copy() {
        let target = Path::new("/root/.local/lib/wireshark/plugins/4.0/epan/emcc.so");
        let mut s = situation(false, true, target);
        s.global_copy = Some(OtherCopy {
            path: GLOBAL.into(),
            owner: None,
            same_build: false,
            package: None,
        });
        let notes = notes(&s);
        assert!(notes[1].loud);
        assert_eq!(
            notes[1].text,
            format!(
                "{GLOBAL} is installed too, a different build (replace it with: \
                 target/release/emcc-install --global): that global copy is what \
                 Wireshark run as root loads, and every user's."
            )
        );
    }

    #[test]
    fn global_install_names_personal_copies() {
        let mut s = situation(true, true, Path::new(GLOBAL));
        let notes_alone = notes(&s);
        assert_eq!(notes_alone.len(), 1);
        assert!(notes_alone[0]
            .text
            .contains("for every user, root (sudo) included"));
        s.personal_copies = vec![
            OtherCopy {
                path: PERSONAL.into(),
                owner: Some("ann".into()),
                same_build: false,
                package: None,
            },
            OtherCopy {
                path: "/srv/x/emcc.so".into(),
                owner: None,
                same_build: true,
                package: None,
            },
        ];
        let notes = notes(&s);
        assert_eq!(notes.len(), 3);
        assert!(notes[1].loud && !notes[2].loud);
        assert!(notes[1].text.contains("in ann's personal plugin folder"));
        assert!(notes[1]
            .text
            .contains(&format!("loads the global copy {GLOBAL}")));
        assert!(notes[1].text.ends_with(&format!("rm {PERSONAL}")));
        assert!(notes[2]
            .text
            .contains("in a personal plugin folder, is the same build"));
    }

    fn packaged_global_copy() -> Option<OtherCopy> {
        Some(OtherCopy {
            path: GLOBAL.into(),
            owner: None,
            same_build: false,
            package: Some(Package {
                name: "wireshark-emcc".into(),
                version: Some("0.1.0+wireshark4.0".into()),
            }),
        })
    }

    #[test]
    fn personal_copy_behind_the_package_is_never_loaded() {
        let mut s = situation(false, false, Path::new(PERSONAL));
        s.global_copy = packaged_global_copy();
        let notes = notes(&s);
        assert_eq!(notes.len(), 2);
        // Not "run them as yourself": yours loads the package's copy too.
        assert!(notes[0]
            .text
            .ends_with("will not load this one either: they load the package's copy."));
        assert!(notes[1].loud);
        let text = &notes[1].text;
        assert!(text.starts_with(&format!(
            "Wireshark will NOT load {PERSONAL}: {GLOBAL} belongs to the package \
             wireshark-emcc 0.1.0+wireshark4.0, and Wireshark (root's too) loads the \
             package's copy from the global folder"
        )));
        assert!(text.contains(WIRESHARK_SKIPS));
        assert!(text.contains("A personal install is never loaded while the package is installed"));
        assert!(text.contains(
            "To use this build instead: sudo apt remove wireshark-emcc, then run \
             target/release/emcc-install again"
        ));
        // Never "sudo rm" a packaged file.
        assert!(!text.contains("sudo rm"), "{text}");
        // The same build: not loud; keep the package's.
        s.global_copy.as_mut().unwrap().same_build = true;
        let notes = super::notes(&s);
        assert!(!notes[1].loud);
        assert!(notes[1].text.ends_with(&format!(
            "Remove yours: rm {PERSONAL} (the package serves every user and root)"
        )));
    }

    #[test]
    fn root_runs_the_package_copy() {
        let target = Path::new("/root/.local/lib/wireshark/plugins/4.0/epan/emcc.so");
        let mut s = situation(false, true, target);
        s.global_copy = packaged_global_copy();
        let notes = notes(&s);
        assert!(notes[0].text.ends_with(
            "install globally: sudo apt remove wireshark-emcc, then \
             target/release/emcc-install --global"
        ));
        assert!(notes[1].loud);
        assert_eq!(
            notes[1].text,
            format!(
                "{GLOBAL} belongs to the package wireshark-emcc 0.1.0+wireshark4.0, a \
                 different build (to use this build instead: sudo apt remove \
                 wireshark-emcc, then target/release/emcc-install --global): the \
                 package's copy is what Wireshark run as root loads, and every user's."
            )
        );
    }

    #[test]
    fn reads_homes_and_owners() {
        let passwd = "root:x:0:0:root:/root:/bin/bash\n\
                      # comment\n\
                      nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n\
                      ann:x:1000:1000:Ann,,,:/home/ann:/bin/bash\n\
                      anna:x:1001:1001::/home/anna:/bin/bash\n\
                      daemon:x:1:1:daemon:/:/usr/sbin/nologin\n\
                      broken\n";
        let homes = homes(passwd);
        assert_eq!(homes.len(), 5);
        assert_eq!(homes[2], ("ann".to_string(), PathBuf::from("/home/ann")));
        assert_eq!(
            owner_of(Path::new(PERSONAL), &homes).as_deref(),
            Some("ann")
        );
        assert_eq!(
            owner_of(Path::new("/home/anna/.local/x"), &homes).as_deref(),
            Some("anna")
        );
        assert_eq!(owner_of(Path::new(GLOBAL), &homes), None);
    }
}
