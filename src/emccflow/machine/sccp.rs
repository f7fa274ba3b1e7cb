//! SCCP phones: the Skinny messages that take the place of SIP's in the
//! login (seeds/003 and packet-skinny.c for the messages). A phone registers
//! with Register and is answered RegisterAck or RegisterReject, unregisters
//! with Unregister (UnregisterAck), and is told to restart with Reset where a
//! SIP phone gets a service-control NOTIFY. EMCC supports SCCP phones (Cisco's
//! EMCC feature guide); the phases are the same.

use super::*;
use crate::ciscoalarm::reason::parse_skinny_alarm;
use crate::skinny_messages::{reset_kind_name, Sccp, RESET_RESTART};

/// What Skinny answers are remembered by (the SIP ones by their method).
pub(super) const REGISTER: &str = "SCCP Register";
pub(super) const UNREGISTER: &str = "SCCP Unregister";

impl Flow {
    pub(super) fn on_sccp(&mut self, f: &FrameFacts, message: &Sccp) -> Option<Label> {
        match message {
            Sccp::Register { device } => {
                let p = self.followed_phone(&f.src, &f.dst)?;
                self.note_device(&p.key, device.as_ref());
                self.on_register(f, &p, Registering::sccp(false))
            }
            Sccp::Unregister => {
                let p = self.followed_phone(&f.src, &f.dst)?;
                self.on_register(f, &p, Registering::sccp(true))
            }
            Sccp::Reset { kind } => {
                let p = self.followed_phone(&f.dst, &f.src)?;
                let mut label = self.on_restart_order(f, &p, RestartOrder::Reset)?;
                // Only a restart is what the login asks; another kind is shown
                // as sent.
                if let Some(kind) = kind.filter(|&k| k != RESET_RESTART) {
                    let name = reset_kind_name(kind).map_or(format!("type {kind}"), str::to_string);
                    label.step = format!("{} ({name})", label.step).into();
                }
                Some(label)
            }
            Sccp::RegisterAck { .. } => self.on_sccp_answer(f, REGISTER, None, "RegisterAck"),
            Sccp::RegisterReject { text } => {
                self.on_sccp_answer(f, REGISTER, Some(text), "RegisterReject")
            }
            Sccp::UnregisterAck => self.on_sccp_answer(f, UNREGISTER, None, "UnregisterAck"),
            Sccp::Alarm { text } => {
                let p = self.followed_phone(&f.src, &f.dst)?;
                self.on_restart_alarm(f, &p, text)
            }
            Sccp::KeepAlive | Sccp::KeepAliveAck => None,
        }
    }

    /// The Alarm an SCCP phone sends just before its Register (seeds/003):
    /// it belongs to the registration it announces, whose phase is decided
    /// as the Register's will be (nothing changes until the Register).
    fn on_restart_alarm(&mut self, f: &FrameFacts, p: &Parties, text: &str) -> Option<Label> {
        let (phase, side) = match self.registration_case(p, &Registering::sccp(false)) {
            RegisterCase::Visiting => (Phase::VisitingRegistration, Side::Visiting),
            RegisterCase::Home => (Phase::HomeRegistration, Side::Home),
            RegisterCase::Fallback(stop) => (stop, Side::Visiting),
            RegisterCase::Logout(side) => (Phase::Logout, side),
            _ => return None,
        };
        // `25: Name=SEP... Load=... Last=Initialized` (seeds/003): the
        // cause, the device name and the phone's word for the cause.
        let alarm = parse_skinny_alarm(text);
        let device = alarm
            .as_ref()
            .and_then(|a| a.device())
            .map(|d| d.value.to_string())
            .filter(|d| !d.is_empty());
        self.note_device(&p.key, device.as_ref());
        let step = steps::restart_alarm(
            side,
            alarm.as_ref().and_then(|a| a.code).map(|c| c.value),
            alarm.as_ref().and_then(|a| a.last()).map(|l| l.value),
        );
        Some(self.label(&p.key, f, phase, Some(side), step))
    }

    /// RegisterAck, RegisterReject (`refusal`: its text) or UnregisterAck.
    fn on_sccp_answer(
        &mut self,
        f: &FrameFacts,
        method: &str,
        refusal: Option<&String>,
        what: &str,
    ) -> Option<Label> {
        let tx = self.answered(f, method)?;
        let request = if method == UNREGISTER {
            "unregister"
        } else {
            "registration"
        };
        let step = steps::sccp_answer(
            request,
            refusal.is_none(),
            what,
            refusal.map(String::as_str),
            tx.side,
        );
        // A RegisterReject carries a text, no code.
        let refusal = refusal.map(|text| {
            let words = if text.is_empty() {
                what.to_string()
            } else {
                format!("{what} \"{text}\"")
            };
            (words, None)
        });
        Some(self.conclude(&tx, f, step, refusal))
    }
}
