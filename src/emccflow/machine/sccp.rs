//! SCCP phones: the Skinny messages that take the place of SIP's in the
//! login (seeds/003 and packet-skinny.c for the messages). A phone registers
//! with Register and is answered RegisterAck or RegisterReject, unregisters
//! with Unregister (UnregisterAck), and is told to restart with Reset where a
//! SIP phone gets a service-control NOTIFY. EMCC supports SCCP phones (Cisco's
//! EMCC feature guide); the phases are the same.

use super::*;
use crate::skinny_messages::{reset_kind_name, Sccp};

/// What Skinny answers are remembered by (the SIP ones by their method).
pub(super) const REGISTER: &str = "SCCP Register";
pub(super) const UNREGISTER: &str = "SCCP Unregister";

impl Flow {
    pub(super) fn on_sccp(&mut self, f: &FrameFacts, message: &Sccp) -> Option<Label> {
        match message {
            Sccp::Register { device } => {
                let p = self.parties_for_phone(&f.src, &f.dst);
                self.phone_entry(&p.key, p.phone_addr.as_deref())?;
                self.note_device(&p.key, device.as_ref());
                self.on_register(f, &p, Registering::sccp(false))
            }
            Sccp::Unregister => {
                let p = self.parties_for_phone(&f.src, &f.dst);
                self.phone_entry(&p.key, p.phone_addr.as_deref())?;
                self.on_register(f, &p, Registering::sccp(true))
            }
            Sccp::Reset { kind } => {
                let p = self.parties_for_phone(&f.dst, &f.src);
                self.phone_entry(&p.key, p.phone_addr.as_deref())?;
                let mut label = self.on_restart_order(f, &p, RestartOrder::Reset)?;
                // Only a restart is what the login asks; another kind is shown
                // as sent.
                if let Some(kind) = kind.filter(|&k| k != 2) {
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
            Sccp::KeepAlive | Sccp::KeepAliveAck | Sccp::Alarm { .. } => None,
        }
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
        let refusal = refusal.map(|text| {
            if text.is_empty() {
                what.to_string()
            } else {
                format!("{what} \"{text}\"")
            }
        });
        Some(self.conclude(&tx, f, step, refusal))
    }
}
