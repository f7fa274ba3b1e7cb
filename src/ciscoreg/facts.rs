//! What one frame tells the registration tracker, gathered from SIP's and
//! Skinny's fields and TCP's header (see `inputs`).

use crate::nstime::NsTime;

/// How the phone talks to its CUCMs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signalling {
    Sip,
    Sccp,
}

impl Signalling {
    pub fn as_str(self) -> &'static str {
        match self {
            Signalling::Sip => "SIP",
            Signalling::Sccp => "SCCP",
        }
    }
}

/// Why a phone last restarted, from a REGISTER's `Reason: ... cisco-alarm:N`
/// or the text of a Skinny Alarm (`25: Name=... Load=... Last=Initialized`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Restart {
    pub code: Option<u32>,
    /// The `Last=` value, as the phone wrote it.
    pub last: Option<String>,
}

/// A Skinny (SCCP) message, read by `skinny_messages`.
pub use crate::skinny_messages::Sccp;

/// One registration message, or the end of a registration connection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    SipRegister {
        /// `Expires:`, or the Contact's `expires=`; None when neither is there.
        expires: Option<u32>,
        /// The Contact carries Cisco's `cisco-keep-alive` parameter.
        keep_alive: bool,
        /// `+u.sip!devicename.ccm.cisco.com` of the Contact.
        device: Option<String>,
        /// A `Reason: ... cisco-alarm:N` header: the first REGISTER after
        /// a restart.
        restart: Option<Restart>,
    },
    /// A response whose CSeq method is REGISTER.
    SipResponse {
        status: u32,
        phrase: String,
        /// `Expires:` or the Contact's `expires=`: what the CUCM granted.
        expires: Option<u32>,
        keep_alive: bool,
    },
    Sccp(Sccp),
    /// A FIN or RST on a TCP connection that carried registration messages.
    Closed {
        reset: bool,
    },
    /// The configuration file the phone (the frame's destination) downloaded
    /// names these call managers, in its order (`ciscotl.cfg.call_manager`):
    /// the first is where it registers, the others its backups.
    Config {
        cucms: Vec<String>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FrameFacts {
    pub frame: u32,
    pub time: NsTime,
    /// The frame's network addresses (without ports).
    pub src: String,
    pub dst: String,
    /// The TCP connection, if any.
    pub stream: Option<u32>,
    pub inputs: Vec<Input>,
}

/// The restart cause of a Skinny Alarm's text (`25: Name=... Load=...
/// Last=Initialized`, see `ciscoalarm::reason::parse_skinny_alarm`). None for
/// other alarm texts.
pub fn skinny_alarm_restart(text: &str) -> Option<Restart> {
    let reason = crate::ciscoalarm::reason::parse_skinny_alarm(text)?;
    if reason.pairs.is_empty() {
        return None;
    }
    Some(Restart {
        code: reason.code.map(|c| c.value),
        last: reason
            .last()
            .map(|p| p.value.to_string())
            .filter(|l| !l.is_empty()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_003_alarm_text() {
        assert_eq!(
            skinny_alarm_restart("25: Name=ipctest2 Load= 7.0.1.0 Last=Initialized"),
            Some(Restart {
                code: Some(25),
                last: Some("Initialized".into())
            })
        );
        assert_eq!(skinny_alarm_restart("hello: world"), None);
        assert_eq!(skinny_alarm_restart("Name=x"), None);
        assert_eq!(
            skinny_alarm_restart("14: Name=SEP1 Last="),
            Some(Restart {
                code: Some(14),
                last: None
            })
        );
    }
}
