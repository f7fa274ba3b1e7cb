//! The phases of an EMCC login, numbered as the `emccflow` dissector numbers them (after
//! the article's sections). The generator records which phase built each message; the
//! multi-phone captures write it as ground truth into `flow:` packet comments.

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub enum Phase {
    /// REGISTER with the visiting cluster (also the fallback after a failed login); an
    /// SCCP phone's Alarm, Register and their answers.
    VisitingRegistration = 1,
    /// The EMApp requests on the visiting cluster.
    EmccLogin = 2,
    /// The restart NOTIFY, the alarm REFERs that follow it and the unregister; for an
    /// SCCP phone the Reset, its EnhancedAlarm, Unregister and UnregisterAck.
    RestartAndUnregister = 3,
    /// CTL, ITL and configuration from the visiting cluster.
    VisitingTrustAndConfig = 4,
    /// CTL and ITL from the home cluster (HTTP, TFTP fallback) and the TVS session.
    HomeTrust = 5,
    /// The user's configuration and softkeys from the home cluster.
    HomeConfig = 6,
    /// REGISTER with the home cluster and the REFERs around it (an SCCP phone's Alarm,
    /// Register and their answers).
    HomeRegistration = 7,
    /// Everything a logout sets off, from the EMApp request to the registration back on
    /// the visiting cluster.
    Logout = 8,
}

impl Phase {
    pub fn number(self) -> u8 {
        self as u8
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_follow_the_dissector() {
        assert_eq!(Phase::VisitingRegistration.number(), 1);
        assert_eq!(Phase::HomeTrust.number(), 5);
        assert_eq!(Phase::Logout.number(), 8);
        assert!(Phase::EmccLogin < Phase::RestartAndUnregister);
    }
}
