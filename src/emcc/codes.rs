//! Number-to-name tables for Extension Mobility error codes: the EMApp codes a phone shows
//! (`[201] Authentication Error`) and the EMService codes in `<error code="N">` and in
//! `Login is unavailable (N)`.
//!
//! Only meanings listed in domain.md are here, worded as there. Numbers that are not in a
//! table have no public meaning: show them raw and say "unknown" (see [`lookup`]).

#![forbid(unsafe_code)]

/// EMApp error codes (domain.md, "EMApp"). 203, 206, 209 and 214 are not listed there.
/// Sorted by code.
pub const EMAPP_ERRORS: &[(u32, &str)] = &[
    (
        201,
        "authentication error (or EMCC not active in the intercluster service profile)",
    ),
    (202, "blank user id or PIN"),
    (204, "directory could not authenticate"),
    (205, "user profile absent"),
    (207, "device name empty"),
    (
        208,
        "EMService connection error (VC to HC: WAN down or certificates not trusted)",
    ),
    (210, "init failure"),
    (211, "EMCC/PSTN not activated"),
    (212, "cluster id invalid"),
    (213, "device does not support EMCC"),
    (215, "loginType invalid"),
    (216, "DN has multiple users"),
];

/// EMService error codes (domain.md, "EMService"; the numbers and messages are Cisco's
/// Extension Mobility API guide, "Response Codes",
/// https://developer.cisco.com/docs/extension-mobility-api/response-codes, and the
/// EMCC chapter of the CUCM Feature Configuration Guide, table "Extension Mobility Service
/// Error Codes"). 13-17, 24 and 34 are not listed there; 42 and 44 carry the same meaning.
/// Code 2 means one thing in the plain EM API and another between clusters: this table
/// names both, [`emservice_meaning`] picks the one of a document's dialect. Sorted by code.
pub const EMSERVICE_ERRORS: &[(u32, &str)] = &[
    (0, "unknown"),
    (1, "parse error"),
    (
        2,
        "blank user id or PIN (EM API) or EMCC authentication error (between clusters)",
    ),
    (3, "invalid app user"),
    (4, "policy validation"),
    (5, "device logon disabled"),
    (6, "database error"),
    // API guide, Response Codes: "Logout Request Error" (could not set the auto-logout
    // duration at login, or remove the device from the auto-logout list at logout).
    (7, "logout request error"),
    (8, "query type undetermined"),
    (9, "directory user info error"),
    (10, "no proxy rights"),
    (11, "device does not exist"),
    (12, "device profile not found"),
    (18, "another user logged in"),
    (19, "no user logged in"),
    (20, "hoteling flag error"),
    (21, "hoteling status error"),
    (22, "device logon disabled"),
    (23, "user does not exist"),
    (25, "logged in elsewhere"),
    (26, "busy"),
    // domain.md, "EMService": 27 change password.
    (27, "change password"),
    (28, "untrusted IP"),
    (29, "RIS down"),
    (30, "proxy not allowed"),
    (31, "EMCC not enabled for user"),
    (32, "device does not support EMCC"),
    (33, "no free EMCC dummy device"),
    (35, "visiting cluster unknown to home"),
    (36, "no remote cluster"),
    (37, "duplicate device name in both clusters"),
    (38, "EMCC not allowed"),
    (39, "TFTP config issue"),
    (40, "no response from remote host"),
    (41, "PIN change required"),
    (42, "invalid cluster id"),
    (43, "device security mode must be non-secure"),
    (44, "invalid cluster id"),
    (45, "remote cluster version not supported"),
    (46, "remote cluster security mode not supported"),
    (47, "DN has multiple users"),
];

/// Code 2 in the plain EM API (`<request>`, `<query>`, `<response>`): the API guide's
/// Response Codes table, "Cannot authorize App user: Blank UserID or PIN".
pub const CODE_2_EM_API: &str = "cannot authorize app user: blank user id or PIN";
/// Code 2 between clusters (`<emccRequest>`, `<emccResponse>`): the Feature Configuration
/// Guide's EMCC error table, "EMCC Authentication Error" (the user entered a wrong PIN).
pub const CODE_2_EMCC: &str = "EMCC authentication error (wrong PIN)";

/// The meaning of EMService code `code` in a document of this dialect (`emcc`: the root is
/// `emccRequest` or `emccResponse`), or `None` when it is not public. Only code 2 differs
/// between the dialects (domain.md, "EMService").
pub fn emservice_meaning(code: u32, emcc: bool) -> Option<&'static str> {
    match code {
        2 if emcc => Some(CODE_2_EMCC),
        2 => Some(CODE_2_EM_API),
        _ => lookup(EMSERVICE_ERRORS, code),
    }
}

/// The meaning of `code` in `table`, or `None` when it is not public.
pub fn lookup(table: &[(u32, &'static str)], code: u32) -> Option<&'static str> {
    table
        .binary_search_by_key(&code, |&(c, _)| c)
        .ok()
        .map(|i| table[i].1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strictly_sorted(table: &[(u32, &str)]) -> bool {
        table.windows(2).all(|w| w[0].0 < w[1].0)
    }

    #[test]
    fn tables_are_sorted_without_duplicates() {
        for table in [EMAPP_ERRORS, EMSERVICE_ERRORS] {
            assert!(strictly_sorted(table));
            assert!(table.iter().all(|(_, name)| !name.is_empty()));
            assert!(table.iter().all(|(_, name)| name.trim() == *name));
        }
    }

    #[test]
    fn emapp_codes_match_domain_list() {
        let codes: Vec<u32> = EMAPP_ERRORS.iter().map(|&(c, _)| c).collect();
        assert_eq!(
            codes,
            vec![201, 202, 204, 205, 207, 208, 210, 211, 212, 213, 215, 216]
        );
        assert_eq!(
            lookup(EMAPP_ERRORS, 201),
            Some("authentication error (or EMCC not active in the intercluster service profile)")
        );
        assert_eq!(lookup(EMAPP_ERRORS, 216), Some("DN has multiple users"));
        for unknown in [0, 200, 203, 206, 209, 214, 217, u32::MAX] {
            assert_eq!(lookup(EMAPP_ERRORS, unknown), None, "{unknown}");
        }
    }

    #[test]
    fn emservice_codes_match_domain_list() {
        let codes: Vec<u32> = EMSERVICE_ERRORS.iter().map(|&(c, _)| c).collect();
        let expected: Vec<u32> = (0..=12)
            .chain(18..=23)
            .chain(25..=33)
            .chain(35..=47)
            .collect();
        assert_eq!(codes, expected);
        assert_eq!(lookup(EMSERVICE_ERRORS, 0), Some("unknown"));
        // Code 2 depends on the dialect; the other codes do not.
        assert_eq!(emservice_meaning(2, false), Some(CODE_2_EM_API));
        assert_eq!(emservice_meaning(2, true), Some(CODE_2_EMCC));
        assert_eq!(emservice_meaning(7, true), Some("logout request error"));
        assert_eq!(emservice_meaning(34, false), None);
        assert_eq!(lookup(EMSERVICE_ERRORS, 23), Some("user does not exist"));
        assert_eq!(lookup(EMSERVICE_ERRORS, 42), Some("invalid cluster id"));
        assert_eq!(lookup(EMSERVICE_ERRORS, 44), Some("invalid cluster id"));
        assert_eq!(lookup(EMSERVICE_ERRORS, 47), Some("DN has multiple users"));
        assert_eq!(lookup(EMSERVICE_ERRORS, 7), Some("logout request error"));
        assert_eq!(lookup(EMSERVICE_ERRORS, 27), Some("change password"));
        for unknown in [13, 17, 24, 34, 48, 201] {
            assert_eq!(lookup(EMSERVICE_ERRORS, unknown), None, "{unknown}");
        }
    }
}
