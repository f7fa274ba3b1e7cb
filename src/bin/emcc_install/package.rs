//! The Debian package `wireshark-emcc`: whether the copy in the global
//! plugin folder is a packaged file, asked from dpkg (`dpkg-query -S PATH`
//! for its package, `dpkg-query -W` for that package's version). On a
//! system without dpkg (`dpkg-query` missing) no file is packaged.
//!
//! A packaged file must not be overwritten by `emcc-install --global`:
//! dpkg would then remove or replace our build on `apt remove` or an
//! upgrade, and its checksums (`dpkg --verify`) no longer match.

use std::path::Path;
use std::process::Command;

/// The package a file belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    pub name: String,
    /// Its installed version (None: dpkg did not say).
    pub version: Option<String>,
}

impl Package {
    /// "the package wireshark-emcc 0.1.0+wireshark4.0".
    pub fn describe(&self) -> String {
        match &self.version {
            Some(version) => format!("the package {} {version}", self.name),
            None => format!("the package {}", self.name),
        }
    }
}

/// The package that owns `path`, asked from `program` (normally
/// `dpkg-query`, found on PATH): None when no package does, or there is no
/// dpkg. Asks again with the path's symlinks resolved (a merged /usr).
pub fn owner(program: &str, path: &Path) -> Option<Package> {
    let mut asked = vec![path.to_path_buf()];
    if let Ok(real) = path.canonicalize() {
        if real != path {
            asked.push(real);
        }
    }
    let name = asked.iter().find_map(|path| {
        let out = Command::new(program).arg("-S").arg(path).output().ok()?;
        if !out.status.success() {
            return None;
        }
        let text = String::from_utf8_lossy(&out.stdout);
        packages_owning(&text, &path.to_string_lossy())
            .into_iter()
            .next()
    })?;
    let version = Command::new(program)
        .args(["-W", "-f=${Status}\t${Version}\n", &name])
        .output()
        .ok()
        .and_then(|out| installed_version(&String::from_utf8_lossy(&out.stdout)));
    Some(Package { name, version })
}

/// The packages `dpkg-query -S PATH` says own `path` (without an
/// architecture qualifier; diversion lines skipped).
pub fn packages_owning(output: &str, path: &str) -> Vec<String> {
    output
        .lines()
        .filter(|line| !line.starts_with("diversion by "))
        .filter_map(|line| line.split_once(": "))
        .filter(|(_, owned)| owned.trim() == path)
        .flat_map(|(packages, _)| packages.split(", "))
        .map(|package| package.split(':').next().unwrap_or(package).trim())
        .filter(|package| !package.is_empty())
        .map(str::to_string)
        .collect()
}

/// The version in `dpkg-query -W -f='${Status}\t${Version}\n'` output, if
/// the package is installed.
pub fn installed_version(output: &str) -> Option<String> {
    let (status, version) = output.lines().next()?.split_once('\t')?;
    (status.split_whitespace().last() == Some("installed") && !version.trim().is_empty())
        .then(|| version.trim().to_string())
}

/// Why `emcc-install --global` does not overwrite `target`, a file of
/// `package`.
pub fn refuse_global(target: &Path, package: &Package) -> String {
    format!(
        "not installing: {} belongs to {}, and overwriting a packaged file breaks \
         `apt remove` and upgrades of that package. That package's copy is the one \
         every user's Wireshark and root's load. To install this build instead, \
         remove the package first: sudo apt remove {}, then run this again.",
        target.display(),
        package.describe(),
        package.name
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const GLOBAL: &str = "/usr/lib/x86_64-linux-gnu/wireshark/plugins/4.0/epan/emcc.so";

    #[test]
    fn reads_dpkg_search() {
        let out = format!("wireshark-emcc: {GLOBAL}\n");
        assert_eq!(packages_owning(&out, GLOBAL), ["wireshark-emcc"]);
        let out = format!("wireshark-emcc:amd64, other: {GLOBAL}\n");
        assert_eq!(packages_owning(&out, GLOBAL), ["wireshark-emcc", "other"]);
        let out = format!(
            "diversion by local-emcc from: {GLOBAL}\n\
             diversion by local-emcc to: {GLOBAL}.distrib\n"
        );
        assert!(packages_owning(&out, GLOBAL).is_empty());
        // A folder line, not the file.
        assert!(packages_owning("wireshark-emcc: /usr/lib\n", GLOBAL).is_empty());
    }

    #[test]
    fn reads_dpkg_status() {
        assert_eq!(
            installed_version("install ok installed\t0.1.0+wireshark4.0\n").as_deref(),
            Some("0.1.0+wireshark4.0")
        );
        assert_eq!(
            installed_version("deinstall ok config-files\t0.1.0\n"),
            None
        );
        assert_eq!(installed_version("unknown ok not-installed\t\n"), None);
        assert_eq!(installed_version(""), None);
    }

    #[test]
    fn no_dpkg_no_package() {
        assert_eq!(owner("/nonexistent/dpkg-query", Path::new(GLOBAL)), None);
    }

    #[test]
    fn refuses_to_overwrite_a_packaged_file() {
        let package = Package {
            name: "wireshark-emcc".into(),
            version: Some("0.1.0+wireshark4.0".into()),
        };
        let text = refuse_global(Path::new(GLOBAL), &package);
        assert!(text.contains(&format!(
            "{GLOBAL} belongs to the package wireshark-emcc 0.1.0+wireshark4.0"
        )));
        assert!(text.contains("sudo apt remove wireshark-emcc, then run this again"));
        let unknown = Package {
            version: None,
            ..package
        };
        assert!(refuse_global(Path::new(GLOBAL), &unknown)
            .contains("belongs to the package wireshark-emcc, and"));
    }
}
