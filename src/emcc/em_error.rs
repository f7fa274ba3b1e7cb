//! The Extension Mobility error an EMApp page shows the user, in its title, prompt or
//! text, in one of these forms (ASCII case is ignored in the words):
//!
//! - `[201] Authentication Error`, `[208]-EMService Connection Error`, `[201]: ..`
//! - `Error 201: Authentication Error`, `Error 201 - ..`, `Error[201]: ..`
//!
//!   with a code in 200..=299 (EMApp's range; other numbers in these forms are not taken
//!   as errors: domain.md knows no such codes);
//! - `Login is unavailable (23)`, `Logout is unavailable (25)` (any text ending in
//!   `is unavailable`, then an EMService code in parentheses).

#![forbid(unsafe_code)]

use crate::span::trim_bounds;

/// Which service an error's code belongs to (`PhoneObject::error_source`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ErrorSource {
    /// An EMApp code (`codes::EMAPP_ERRORS`): the `[201] ..` and `Error 201: ..` forms.
    #[default]
    EmApp,
    /// An EMService code (`codes::EMSERVICE_ERRORS`) passed on by EMApp:
    /// `Login is unavailable (23)`, `Logout is unavailable (25)`.
    EmService,
}

/// The EM error in a title, prompt or text (see the module documentation for the forms): the code, the
/// byte range of its digits in `s`, the byte range of the message, and the source.
pub fn find_em_error(
    s: &str,
) -> Option<(
    u32,
    std::ops::Range<usize>,
    std::ops::Range<usize>,
    ErrorSource,
)> {
    let (start, end) = trim_bounds(s, 0, s.len());
    let t = &s[start..end];
    let (code, digits, message, source) = unavailable_form(t).or_else(|| code_form(t))?;
    Some((code, shift(digits, start), shift(message, start), source))
}

/// Longest code read: 9 digits always fit 32 bits.
const MAX_CODE_DIGITS: usize = 9;

fn parse_code(digits: &str) -> Option<u32> {
    if digits.is_empty()
        || digits.len() > MAX_CODE_DIGITS
        || !digits.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    digits.parse().ok()
}

fn shift(r: std::ops::Range<usize>, by: usize) -> std::ops::Range<usize> {
    r.start + by..r.end + by
}

type ErrorForm = (
    u32,
    std::ops::Range<usize>,
    std::ops::Range<usize>,
    ErrorSource,
);

/// `Login is unavailable (23)`: text ending in `is unavailable`, then `(N)` (`t` trimmed).
fn unavailable_form(t: &str) -> Option<ErrorForm> {
    const UNAVAILABLE: &[u8] = b"is unavailable";
    let inner = t.strip_suffix(')')?;
    let open = inner.rfind('(')?;
    let digits = open + 1..inner.len();
    let (_, message_end) = trim_bounds(t, 0, open);
    let message = &t.as_bytes()[..message_end];
    let ends_right = message.len() >= UNAVAILABLE.len()
        && message[message.len() - UNAVAILABLE.len()..].eq_ignore_ascii_case(UNAVAILABLE);
    if !ends_right {
        return None;
    }
    let code = parse_code(&t[digits.clone()])?;
    Some((code, digits, 0..message_end, ErrorSource::EmService))
}

/// `[201] ..`, `[208]-..`, `Error 201: ..`, `Error[201]: ..` (`t` trimmed).
fn code_form(t: &str) -> Option<ErrorForm> {
    let b = t.as_bytes();
    let mut i = 0;
    let word = b.len() >= 5 && b[..5].eq_ignore_ascii_case(b"error");
    if word {
        i = 5;
        while i < b.len() && b[i] == b' ' {
            i += 1;
        }
    }
    let bracket = b.get(i) == Some(&b'[');
    if bracket {
        i += 1;
    } else if !word || i == 5 {
        // Bare digits are no error form, nor is `Error201`.
        return None;
    }
    let digits_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let digits = digits_start..i;
    if bracket {
        if b.get(i) != Some(&b']') {
            return None;
        }
        i += 1;
    }
    // A separator: spaces, at most one ':' or '-', spaces; not empty unless the text ends.
    let separator_start = i;
    while i < b.len() && b[i] == b' ' {
        i += 1;
    }
    if i < b.len() && matches!(b[i], b':' | b'-') {
        i += 1;
    }
    while i < b.len() && b[i] == b' ' {
        i += 1;
    }
    if i == separator_start && i < b.len() {
        return None;
    }
    let code = parse_code(&t[digits.clone()]).filter(|c| (200..=299).contains(c))?;
    Some((code, digits, i..b.len(), ErrorSource::EmApp))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_forms() {
        fn f(s: &str) -> Option<(u32, &str, &str, ErrorSource)> {
            find_em_error(s).map(|(c, d, m, src)| (c, &s[d], &s[m], src))
        }
        use ErrorSource::*;
        assert_eq!(
            f("[201] Authentication Error"),
            Some((201, "201", "Authentication Error", EmApp))
        );
        assert_eq!(
            f("Error 201: Authentication Error"),
            Some((201, "201", "Authentication Error", EmApp))
        );
        assert_eq!(
            f("[208]-EMService Connection Error"),
            Some((208, "208", "EMService Connection Error", EmApp))
        );
        assert_eq!(
            f("Login is unavailable (23)"),
            Some((23, "23", "Login is unavailable", EmService))
        );
        assert_eq!(
            f("  Logout is unavailable(25) "),
            Some((25, "25", "Logout is unavailable", EmService))
        );
        assert_eq!(
            f("ERROR[212]: cluster"),
            Some((212, "212", "cluster", EmApp))
        );
        assert_eq!(f("error 202 - blank"), Some((202, "202", "blank", EmApp)));
        assert_eq!(f("[213]"), Some((213, "213", "", EmApp)));
        assert_eq!(f("Error 216"), Some((216, "216", "", EmApp)));
        assert_eq!(f("[299] x"), Some((299, "299", "x", EmApp)));
        assert_eq!(
            f("Login is unavailable (201)"),
            Some((201, "201", "Login is unavailable", EmService))
        );
        for none in [
            "",
            "Login successful",
            "Extension Mobility",
            "201 Authentication Error",
            "[201 x",
            "[] x",
            "[x] y",
            "[201]x",
            "Error: 201",
            "Error 201x",
            "Errors 201: x",
            "Login failed (23)",
            "Login is unavailable ()",
            "Login is unavailable (2a)",
            "Login is unavailable (1234567890)",
            "[1234567890] x",
            "Loading profile (x)",
            "[23] x",
            "[0]: x",
            "Error 199: x",
            "[300] x",
        ] {
            assert_eq!(f(none), None, "{none:?}");
        }
    }
}
