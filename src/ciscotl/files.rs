//! What a requested TFTP/HTTP file is, from its name alone (domain.md, "Download
//! semantics"): phones fetch `CTLSEP<MAC>.tlv`, `ITLSEP<MAC>.tlv`, their configuration
//! `SEP<MAC>.cnf.xml` (signed: `.cnf.xml.sgn`), softkey templates `SK<uuid>.xml(.sgn)`
//! and many other files (locales, firmware, ringtones ...), which are "other".
//!
//! Names are matched case-insensitively (TFTP servers on CUCM are case-insensitive too);
//! the name and device are returned as sent.

#![forbid(unsafe_code)]

/// Longest name considered, in bytes. Real names are below 100 bytes; a longer request name
/// is classified by its first `MAX_NAME_LEN` bytes so a crafted name costs bounded work and
/// memory.
pub const MAX_NAME_LEN: usize = 512;

/// What kind of file a name stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileKind {
    /// Certificate Trust List: `CTLFile.tlv`, `CTLSEP<MAC>.tlv`.
    Ctl,
    /// Initial Trust List: `ITLFile.tlv`, `ITLSEP<MAC>.tlv`.
    Itl,
    /// Plain configuration: `*.cnf.xml`.
    Config,
    /// Signed configuration: `*.cnf.xml.sgn` (and the encrypted `*.cnf.xml.enc.sgn`).
    SignedConfig,
    /// Softkey template: `SK*.xml`, signed or not.
    Softkey,
    /// Anything else.
    Other,
}

impl FileKind {
    /// A short lowercase label ("CTL" and "ITL" as Cisco writes them).
    pub const fn as_str(self) -> &'static str {
        match self {
            FileKind::Ctl => "CTL",
            FileKind::Itl => "ITL",
            FileKind::Config => "config",
            FileKind::SignedConfig => "signed-config",
            FileKind::Softkey => "softkey",
            FileKind::Other => "other",
        }
    }
}

impl std::fmt::Display for FileKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A classified file name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileInfo {
    /// The last path component, without a `?query` or `#fragment`.
    pub name: String,
    pub kind: FileKind,
    /// `SEP` plus 12 hex digits when the file is per device (`CTLSEP..`, `ITLSEP..`,
    /// `SEP...cnf.xml[.sgn]`), as sent.
    pub device: Option<String>,
}

/// `true` for `SEP` followed by exactly 12 hex digits (case-insensitive).
fn is_sep_name(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 15 && b[..3].eq_ignore_ascii_case(b"SEP") && b[3..].iter().all(u8::is_ascii_hexdigit)
}

/// `name` without `suffix`, compared case-insensitively.
fn strip_suffix_ci<'a>(name: &'a str, suffix: &str) -> Option<&'a str> {
    let cut = name.len().checked_sub(suffix.len())?;
    let (head, tail) = (name.get(..cut)?, name.get(cut..)?);
    tail.eq_ignore_ascii_case(suffix).then_some(head)
}

/// `name` without `prefix`, compared case-insensitively.
fn strip_prefix_ci<'a>(name: &'a str, prefix: &str) -> Option<&'a str> {
    let (head, tail) = (name.get(..prefix.len())?, name.get(prefix.len()..)?);
    head.eq_ignore_ascii_case(prefix).then_some(tail)
}

/// Cuts `s` to at most `max` bytes at a character boundary.
fn cut(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// Classifies a requested file name or URI path (`/ITLSEPC80084AA8743.tlv`,
/// `English_United_States/ipc-sccp.jar`, `SEPC80084AA8743.cnf.xml.sgn` ...).
pub fn classify(path: &str) -> FileInfo {
    let path = cut(path, MAX_NAME_LEN);
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    let (kind, device) = kind_of(name);
    FileInfo {
        name: name.to_string(),
        kind,
        device: device.map(str::to_string),
    }
}

fn sep(s: &str) -> Option<&str> {
    is_sep_name(s).then_some(s)
}

fn kind_of(name: &str) -> (FileKind, Option<&str>) {
    if let Some(stem) = strip_suffix_ci(name, ".tlv") {
        if let Some(rest) = strip_prefix_ci(stem, "CTL") {
            return (FileKind::Ctl, sep(rest));
        }
        if let Some(rest) = strip_prefix_ci(stem, "ITL") {
            return (FileKind::Itl, sep(rest));
        }
        return (FileKind::Other, None);
    }
    for signed in [".cnf.xml.sgn", ".cnf.xml.enc.sgn"] {
        if let Some(stem) = strip_suffix_ci(name, signed) {
            return (FileKind::SignedConfig, sep(stem));
        }
    }
    if let Some(stem) = strip_suffix_ci(name, ".cnf.xml") {
        return (FileKind::Config, sep(stem));
    }
    let softkey_stem = strip_suffix_ci(name, ".xml.sgn").or_else(|| strip_suffix_ci(name, ".xml"));
    if let Some(stem) = softkey_stem {
        if stem.len() > 2 && strip_prefix_ci(stem, "SK").is_some() {
            return (FileKind::Softkey, None);
        }
    }
    (FileKind::Other, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(path: &str, name: &str, kind: FileKind, device: Option<&str>) {
        let info = classify(path);
        assert_eq!(info.name, name, "{path}");
        assert_eq!(info.kind, kind, "{path}");
        assert_eq!(info.device.as_deref(), device, "{path}");
    }

    #[test]
    fn trust_lists() {
        let dev = Some("SEPC80084AA8743");
        check(
            "/CTLSEPC80084AA8743.tlv",
            "CTLSEPC80084AA8743.tlv",
            FileKind::Ctl,
            dev,
        );
        check(
            "CTLSEPC80084AA8743.tlv",
            "CTLSEPC80084AA8743.tlv",
            FileKind::Ctl,
            dev,
        );
        check(
            "ITLSEPC80084AA8743.tlv",
            "ITLSEPC80084AA8743.tlv",
            FileKind::Itl,
            dev,
        );
        check("ITLFile.tlv", "ITLFile.tlv", FileKind::Itl, None);
        check("/CTLFile.tlv", "CTLFile.tlv", FileKind::Ctl, None);
        check(
            "itlsepc80084aa8743.TLV",
            "itlsepc80084aa8743.TLV",
            FileKind::Itl,
            Some("sepc80084aa8743"),
        );
        check("foo.tlv", "foo.tlv", FileKind::Other, None);
    }

    #[test]
    fn configs() {
        let dev = Some("SEPC80084AA8743");
        check(
            "SEPC80084AA8743.cnf.xml",
            "SEPC80084AA8743.cnf.xml",
            FileKind::Config,
            dev,
        );
        check(
            "/SEPC80084AA8743.cnf.xml.sgn",
            "SEPC80084AA8743.cnf.xml.sgn",
            FileKind::SignedConfig,
            dev,
        );
        check(
            "SEPC80084AA8743.cnf.xml.enc.sgn",
            "SEPC80084AA8743.cnf.xml.enc.sgn",
            FileKind::SignedConfig,
            dev,
        );
        check(
            "XMLDefault.cnf.xml",
            "XMLDefault.cnf.xml",
            FileKind::Config,
            None,
        );
        check(
            "SEPC80084AA87.cnf.xml",
            "SEPC80084AA87.cnf.xml",
            FileKind::Config,
            None,
        );
        check(
            "SEPC80084AA8743.cnf.xml?x=1",
            "SEPC80084AA8743.cnf.xml",
            FileKind::Config,
            dev,
        );
    }

    #[test]
    fn softkeys_and_others() {
        let sk = "SKb0ec918f-b9ee-994b-57ae-345883c1fde8.xml";
        check(sk, sk, FileKind::Softkey, None);
        check(
            &format!("/{sk}.sgn"),
            &format!("{sk}.sgn"),
            FileKind::Softkey,
            None,
        );
        check(
            "English_United_States/ipc-sccp.jar",
            "ipc-sccp.jar",
            FileKind::Other,
            None,
        );
        check("SK.xml", "SK.xml", FileKind::Other, None);
        check("dialplan.xml", "dialplan.xml", FileKind::Other, None);
        check("", "", FileKind::Other, None);
        check("/", "", FileKind::Other, None);
        check("a\\b\\ITLFile.tlv", "ITLFile.tlv", FileKind::Itl, None);
    }

    #[test]
    fn labels() {
        assert_eq!(FileKind::Ctl.as_str(), "CTL");
        assert_eq!(FileKind::Itl.as_str(), "ITL");
        assert_eq!(FileKind::Config.as_str(), "config");
        assert_eq!(FileKind::SignedConfig.as_str(), "signed-config");
        assert_eq!(FileKind::Softkey.as_str(), "softkey");
        assert_eq!(FileKind::Other.to_string(), "other");
    }

    #[test]
    fn odd_input_does_not_panic() {
        let long = "é".repeat(MAX_NAME_LEN);
        assert!(classify(&long).name.len() <= MAX_NAME_LEN);
        check("ÉÉ.tlv", "ÉÉ.tlv", FileKind::Other, None);
        check("CTL", "CTL", FileKind::Other, None);
        check(".cnf.xml.sgn", ".cnf.xml.sgn", FileKind::SignedConfig, None);
    }
}
