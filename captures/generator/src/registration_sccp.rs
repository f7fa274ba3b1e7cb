//! An SCCP (Skinny) phone's registration phases, at the points of the login where
//! `registration.rs` has a SIP phone's: registering with the visiting cluster (phase 1),
//! the restart an EMCC login or logout triggers (phase 3), registering after it (phase
//! 7), and the fallback registration with the visiting cluster after a failed login.
//!
//! Each registration is seed 003's: a new TCP connection to port 2000, Alarm with the
//! restart cause (the code and `Last=` text a SIP phone puts in its REGISTER's Reason),
//! Register, then RegisterAck and CapabilitiesReq in one segment and the phone's
//! CapabilitiesRes, or a RegisterReject. The restart is CUCM's Skinny Reset. The phone
//! sends no KeepAlive: from the Register to the restart, and to the end of a run, less
//! than the 30 s the RegisterAck grants pass, so none is due and every Skinny message
//! belongs to one phase. A SIP phone's extras (the alarm REFERs around its home
//! registration, the remote-call-control REFERs) have no Skinny counterpart here.
//! A phone that stays registered longer (the benchmark's) keeps its registration alive
//! with [`Lab::skinny_keepalive`].

// Seed 003's pacing of a registering phone, as in `ciscoreg-sccp`.
use crate::ciscoreg_sccp::{AFTER_SYN, REGISTER_AFTER_ALARM};
use crate::clock::{us, Micros};
use crate::lab::{Lab, Node};
use crate::phone::Restart;
use crate::registration::{tl_info, RegisterOutcome, BOOTED};
use crate::skinny_pdu::{
    capabilities_req, capabilities_res, enhanced_alarm, keep_alive, keep_alive_ack, register_ack,
    register_reject, reset, unregister, unregister_ack, Station, RESET_TYPE_RESTART,
};
use crate::tcp::Dir;

/// What a node refusing an SCCP phone's registration says. CUCM's reject texts have no
/// public list; this is the one it is known to send for a device it will not register
/// (and the one `ciscoreg-sccp` uses).
pub const REJECT_TEXT: &str = "Unknown Device";

impl Lab<'_> {
    fn station(&self) -> Station<'_> {
        let phone = self.phone_id();
        Station {
            name: &phone.device_name,
            ip: phone.host.ip,
            mac: phone.host.mac,
            device_type: phone.model.device_type(),
            load: phone.model.load,
        }
    }

    /// The node answers a phone's message about a millisecond later.
    fn skinny_answer_time(&mut self, t: Micros) -> Micros {
        t + 600 + self.rng().range(0, 900)
    }

    /// Connects to `node` from `port` (SYN at `t_syn`), reports `restart` in an Alarm and
    /// registers; the node accepts (RegisterAck, CapabilitiesReq, the phone's
    /// CapabilitiesRes) or rejects, and then the phone closes. `context` prefixes the
    /// notes. Returns when the node answered.
    fn skinny_register(
        &mut self,
        node: Node,
        port: u16,
        t_syn: Micros,
        restart: Restart,
        outcome: RegisterOutcome,
        context: &str,
    ) -> Micros {
        let ip = &self.cluster(node).ip;
        self.open_skinny(node, port, t_syn);
        let t = t_syn + AFTER_SYN;
        let alarm = self.station().alarm(restart.code, restart.last);
        let s = self.skinny_send(node, Dir::ToServer, t, &alarm);
        let what = format!(
            "{context}Skinny Alarm {}, Last={}",
            restart.code, restart.last
        );
        self.note(s.last, &what);
        let t = t + REGISTER_AFTER_ALARM;
        let register = self.station().register();
        let s = self.skinny_send(node, Dir::ToServer, t, &register);
        self.note(s.last, &format!("{context}Skinny Register with {ip}"));
        let t = self.skinny_answer_time(t);
        if outcome == RegisterOutcome::Forbidden {
            let s = self.skinny_send(node, Dir::ToClient, t, &register_reject(REJECT_TEXT));
            let what = format!("variant: RegisterReject \"{REJECT_TEXT}\" instead of RegisterAck");
            self.note(s.last, &what);
            // As long after the refusal as the SIP phone takes to give up.
            let fin = self.close_skinny(node, Dir::ToServer, t + us(6_214));
            self.note(fin, "phone gives up on this node");
            return t;
        }
        // Seed 003: "sendCapabilitiesReq Send StationOutputRegisterAck", one segment.
        let mut answer = register_ack();
        answer.extend(capabilities_req());
        let s = self.skinny_send(node, Dir::ToClient, t, &answer);
        let what = format!("{context}Skinny RegisterAck (keepalive 30 s) + CapabilitiesReq");
        self.note(s.last, &what);
        let t_ack = t;
        let t = t + 1_200 + self.rng().range(0, 600);
        let s = self.skinny_send(node, Dir::ToServer, t, &capabilities_res());
        self.note(s.last, &format!("{context}Skinny CapabilitiesRes"));
        t_ack
    }

    /// Phase 1: the freshly booted phone registers with the VC, at the SIP phone's times.
    pub fn skinny_register_with_visiting(&mut self) {
        let node = Node::Visiting;
        self.arp(node, self.at_time(0));
        let port = self.phone_id().sip_port_vc;
        let t = self.at_time(us(787_602));
        self.skinny_register(node, port, t, BOOTED, RegisterOutcome::Accepted, "");
    }

    /// Phase 3: the node's Reset (RESTART) at `t0`, the phone's trust-list alarm, its
    /// unregister, then it drops the connection; at the SIP phone's NOTIFY, alarm REFER,
    /// REGISTER Expires 0 and close times.
    pub fn skinny_restart_and_unregister(&mut self, node: Node, t0: Micros) {
        let c = self.cluster(node);
        let phone = self.phone_id();
        let s = self.skinny_send(node, Dir::ToClient, t0, &reset(RESET_TYPE_RESTART));
        self.note(s.last, "Skinny Reset, resetType RESTART");
        let t = t0 + us(78_758);
        let alarm = enhanced_alarm(&tl_info(phone, c));
        let s = self.skinny_send(node, Dir::ToServer, t, &alarm);
        let what = format!("Skinny EnhancedAlarm DeviceTLInfo, ITL of {}", c.ip);
        self.note(s.last, &what);
        let t = t0 + us(483_364);
        let s = self.skinny_send(node, Dir::ToServer, t, &unregister());
        self.note(s.last, "Skinny Unregister");
        let t = t0 + us(485_175);
        let s = self.skinny_send(node, Dir::ToClient, t, &unregister_ack());
        self.note(s.last, "Skinny UnregisterAck");
        let fin = self.close_skinny(node, Dir::ToServer, t0 + us(496_210));
        self.note(fin, "phone closes its Skinny connection");
    }

    /// Phase 7 (or the end of a logout, or a phone booting): after the restart the phone
    /// connects to `node` from `port` (SYN at `t0`) and registers, reporting `restart`.
    /// Returns when the node answered: a RegisterAck starts the keepalive interval.
    pub fn skinny_register_after_restart(
        &mut self,
        node: Node,
        port: u16,
        t0: Micros,
        restart: Restart,
        outcome: RegisterOutcome,
    ) -> Micros {
        self.skinny_register(node, port, t0, restart, outcome, "")
    }

    /// The registered phone's KeepAlive to `node` at `t` and the node's KeepAliveAck
    /// about a millisecond later (seed 004: no data either way).
    pub fn skinny_keepalive(&mut self, node: Node, t: Micros) {
        self.skinny_send(node, Dir::ToServer, t, &keep_alive());
        let t_ack = self.skinny_answer_time(t);
        self.skinny_send(node, Dir::ToClient, t_ack, &keep_alive_ack());
    }

    /// A failed login's end: the phone reconnects to the visiting cluster and registers
    /// there, naming `restart`.
    pub fn skinny_fallback_to_visiting(&mut self, t0: Micros, restart: Restart) {
        let port = self.ephemeral_port();
        let accepted = RegisterOutcome::Accepted;
        self.skinny_register(Node::Visiting, port, t0, restart, accepted, "fallback: ");
    }
}
