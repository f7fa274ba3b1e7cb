//! The eight phases of an EMCC login (and its logout), in the order the
//! TAC article walks through a capture.

use std::ffi::CStr;

/// Field value names, as `emccflow.phase` shows them.
pub const PHASE_NAMES: &[(u32, &str)] = &[
    (1, "Visiting-cluster registration"),
    (2, "EMCC login"),
    (3, "Restart and unregister"),
    (4, "Visiting-cluster trust and config"),
    (5, "Home-cluster trust"),
    (6, "Home-cluster config"),
    (7, "Home-cluster registration"),
    (8, "Logout"),
];

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Phase {
    VisitingRegistration = 1,
    Login = 2,
    Restart = 3,
    VisitingTrust = 4,
    HomeTrust = 5,
    HomeConfig = 6,
    HomeRegistration = 7,
    Logout = 8,
}

impl Phase {
    #[cfg(test)]
    pub const ALL: [Phase; 8] = [
        Phase::VisitingRegistration,
        Phase::Login,
        Phase::Restart,
        Phase::VisitingTrust,
        Phase::HomeTrust,
        Phase::HomeConfig,
        Phase::HomeRegistration,
        Phase::Logout,
    ];

    pub fn number(self) -> u32 {
        self as u32
    }

    pub fn name(self) -> &'static str {
        PHASE_NAMES[self as usize - 1].1
    }

    /// The Info column suffix, `[EMCC <number> <short>]`: written out, as
    /// it is added to every frame the flow labels.
    pub fn info(self) -> &'static CStr {
        match self {
            Phase::VisitingRegistration => c"[EMCC 1 VC registration]",
            Phase::Login => c"[EMCC 2 login]",
            Phase::Restart => c"[EMCC 3 restart]",
            Phase::VisitingTrust => c"[EMCC 4 VC trust]",
            Phase::HomeTrust => c"[EMCC 5 home trust]",
            Phase::HomeConfig => c"[EMCC 6 home config]",
            Phase::HomeRegistration => c"[EMCC 7 home registration]",
            Phase::Logout => c"[EMCC 8 logout]",
        }
    }

    /// The short form of the Info column suffix, e.g. `[EMCC 5 home trust]`.
    pub fn short(self) -> &'static str {
        match self {
            Phase::VisitingRegistration => "VC registration",
            Phase::Login => "login",
            Phase::Restart => "restart",
            Phase::VisitingTrust => "VC trust",
            Phase::HomeTrust => "home trust",
            Phase::HomeConfig => "home config",
            Phase::HomeRegistration => "home registration",
            Phase::Logout => "logout",
        }
    }
}

/// Which side of the login a frame talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Visiting,
    Home,
}

impl Side {
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Visiting => "visiting",
            Side::Home => "home",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn info_suffix_is_number_and_short_name() {
        for phase in Phase::ALL {
            let expected = format!("[EMCC {} {}]", phase.number(), phase.short());
            assert_eq!(phase.info().to_str(), Ok(expected.as_str()));
        }
    }

    #[test]
    fn names_follow_numbers() {
        for phase in Phase::ALL {
            assert_eq!(PHASE_NAMES[phase as usize - 1].0, phase.number());
        }
        assert_eq!(Phase::HomeTrust.name(), "Home-cluster trust");
    }
}
