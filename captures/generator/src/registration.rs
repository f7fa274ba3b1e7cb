//! SIP phases: registering with the visiting cluster (phase 1), the restart an EMCC
//! login or logout triggers (phase 3), registering after that restart (phase 7), and the
//! fallback registration with the visiting cluster when a login fails half way.

use crate::alarm::{self, OutOfService};
use crate::clock::{unix_secs, us, Micros};
use crate::cluster_files::{itl_signature_text, version_stamp};
use crate::cucm::RestartNotice;
use crate::lab::{Lab, Node};
use crate::phone::{
    call_id_prefix, LoadStyle, RegisterKind, Restart, ALARM_TYPE, REMOTECC_REQUEST,
};
use crate::remotecc;
use crate::tcp::Dir;
use crate::topology::{Cluster, PhoneId};

/// The REGISTER after power-up (article frame 5).
pub const BOOTED: Restart = Restart {
    code: 25,
    last: "Initialized",
    style: LoadStyle::Single,
};

/// The REGISTER after a service-control restart (the home cluster's, article frame 581).
pub const RESTARTED: Restart = Restart {
    code: 23,
    last: "Reset-Restart",
    style: LoadStyle::Single,
};

/// The fallback REGISTER's cause when the home cluster's CTL and ITL cannot be had.
pub const FILE_NOT_FOUND: Restart = Restart {
    code: 6,
    last: "File-Not-Found",
    style: LoadStyle::Single,
};

/// The fallback REGISTER's cause when TVS could not vouch for the home cluster's ITL.
pub const FILE_AUTH_ERROR: Restart = Restart {
    code: 31,
    last: "FileAuthError",
    style: LoadStyle::Single,
};

/// The fallback REGISTER's cause when the home cluster refused the registration.
pub const REGISTER_REJECTED: Restart = Restart {
    code: 24,
    last: "Phone-Reg-Rej",
    style: LoadStyle::Single,
};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum RegisterOutcome {
    Accepted,
    /// 403 with a Warning header; the phone then falls back to the visiting cluster.
    Forbidden,
}

/// What the phone reports in LastOutOfServiceInformation about its previous outage.
pub struct Outage {
    pub reason: u32,
    pub text: &'static str,
    /// Where and when the phone lost that service.
    pub node: Node,
    pub local_port: u16,
    pub at_unix_ms: u64,
    pub last_cseq: u32,
}

/// Article frame numbers are only meaningful on the lab's own path.
fn article(on: bool, frame: u32, what: &str) -> String {
    if on {
        format!("article #{frame}: {what}")
    } else {
        what.to_string()
    }
}

pub(crate) fn tl_info(phone: &PhoneId, c: &Cluster) -> String {
    alarm::device_tl_info(phone, &itl_signature_text(c), &c.ip)
}

impl Lab<'_> {
    /// Phase 1 (article frames 5-8): the freshly booted phone registers with the VC.
    pub fn register_with_visiting(&mut self) {
        let node = Node::Visiting;
        self.arp(node, self.at_time(0));
        let port = self.phone_id().sip_port_vc;
        self.open_sip(node, port, self.at_time(us(787_602)));
        let t = self.at_time(us(788_879));
        let reg = self.phone_register(node, t, &RegisterKind::Bind(BOOTED));
        let s = self.sip_send(node, Dir::ToServer, t, &reg, None);
        self.note(
            s.last,
            "article #5: REGISTER (1 binding), Reason cisco-alarm:25 Initialized",
        );
        let t = self.at_time(us(789_738));
        let trying = self.cucm(node).trying(&reg, t);
        let s = self.sip_send(node, Dir::ToClient, t, &trying, None);
        self.note(s.last, "article #6: 100 Trying");
        let t = self.at_time(us(790_626));
        let ok = self.cucm(node).registered(&reg, t, false);
        let s = self.sip_send(node, Dir::ToClient, t, &ok, None);
        self.note(s.last, "article #8: 200 OK (1 binding)");
    }

    pub(crate) fn out_of_service_report(&mut self, o: &Outage) -> String {
        let phone = self.phone_id();
        let call_id = format!(
            "{}0002-{}-{}@{}",
            call_id_prefix(phone),
            self.rng().hex(8),
            self.rng().hex(8),
            phone.ip
        );
        let c = self.cluster(o.node);
        alarm::last_out_of_service(
            phone,
            &OutOfService {
                unified_cm: &c.ip,
                local_port: o.local_port,
                timestamp_ms: o.at_unix_ms,
                reason: o.reason,
                reason_text: o.text,
                last_sent: format!(
                    "Sent:REGISTER sip:{} SIP/2.0 Cseq:{} REGISTER CallId:{call_id} ",
                    c.ip, o.last_cseq
                ),
                last_received: format!(
                    "Rcvd:SIP/2.0 200 OK Cseq:{} REGISTER CallId:{call_id} ",
                    o.last_cseq
                ),
            },
        )
    }

    /// Phase 3 (article frames 342-362): the node's restart NOTIFY, the phone's two alarms
    /// (trust lists, last outage), its unregister, then it drops the connection.
    /// `t0` is the NOTIFY's time; the rest keeps the article's spacing.
    pub fn restart_and_unregister(&mut self, node: Node, t0: Micros, outage: &Outage) {
        let lab = node == Node::Visiting;
        let c = self.cluster(node);
        let phone = self.phone_id();
        let path = self.sip_path(node);
        let notice_call_id = self.register_call_id(node);
        let config_stamp = version_stamp(c, "config", unix_secs(t0) - 1);
        let softkey_stamp = version_stamp(c, "softkey", unix_secs(t0) - 86_400);
        let notice = RestartNotice {
            register_call_id: &notice_call_id,
            config_stamp: &config_stamp,
            softkey_stamp: &softkey_stamp,
        };
        let notify = self.cucm(node).notify_restart(path, t0, &notice);
        let s = self.sip_send(node, Dir::ToClient, t0, &notify, None);
        self.note(
            s.last,
            &article(lab, 342, "NOTIFY service-control action=restart"),
        );
        let t = t0 + us(12_309);
        let ok = self.phone.ok(&notify, t);
        let s = self.sip_send(node, Dir::ToServer, t, &ok, None);
        self.note(s.last, &article(lab, 344, "200 OK to the NOTIFY"));

        let t = t0 + us(78_758);
        let refer = self.phone.refer(path, t, ALARM_TYPE, &tl_info(phone, c));
        let s = self.sip_send(node, Dir::ToServer, t, &refer, None);
        let what = format!("REFER alarm DeviceTLInfo, ITL of {}", c.ip);
        self.note(s.last, &article(lab, 349, &what));
        let t = t0 + us(81_607);
        let accepted = self.cucm(node).accepted(&refer, t);
        let s = self.sip_send(node, Dir::ToClient, t, &accepted, None);
        self.note(s.last, &article(lab, 352, "202 Accepted"));

        let t = t0 + us(433_637);
        let report = self.out_of_service_report(outage);
        let refer = self.phone.refer(path, t, ALARM_TYPE, &report);
        let s = self.sip_send(node, Dir::ToServer, t, &refer, None);
        let what = format!(
            "REFER alarm LastOutOfServiceInformation, reason {}",
            outage.reason
        );
        self.note(s.last, &article(lab, 355, &what));
        let t = t0 + us(436_151);
        let accepted = self.cucm(node).accepted(&refer, t);
        let s = self.sip_send(node, Dir::ToClient, t, &accepted, None);
        self.note(s.last, &article(lab, 357, "202 Accepted"));

        let t = t0 + us(483_364);
        let reg = self.phone_register(node, t, &RegisterKind::Unbind);
        let s = self.sip_send(node, Dir::ToServer, t, &reg, None);
        self.note(
            s.last,
            &article(lab, 359, "REGISTER Expires 0 (remove 1 binding)"),
        );
        let t = t0 + us(484_046);
        let trying = self.cucm(node).trying(&reg, t);
        let s = self.sip_send(node, Dir::ToClient, t, &trying, None);
        self.note(s.last, &article(lab, 360, "100 Trying"));
        let t = t0 + us(485_175);
        let ok = self.cucm(node).unregistered(&reg, t);
        let s = self.sip_send(node, Dir::ToClient, t, &ok, None);
        self.note(s.last, &article(lab, 362, "200 OK (0 bindings)"));
        self.drop_registration(node);
        let fin = self.close_sip(node, Dir::ToServer, t0 + us(496_210));
        self.note(fin, "phone closes its SIP connection");
    }

    /// Phase 7 (article frames 570-596): after the restart the phone connects to `node`
    /// from `port` (SYN at `t0`), reports the trust list it left and the one it moved
    /// to (each alarm REFER split over two segments, as in the article), bulk-registers,
    /// and, if accepted, trades remote-call-control REFERs with the node.
    pub fn register_after_restart(
        &mut self,
        node: Node,
        port: u16,
        t0: Micros,
        restart: Restart,
        outcome: RegisterOutcome,
    ) {
        let lab = node == Node::Home;
        let here = self.cluster(node);
        let before = self.cluster(node.other());
        let phone = self.phone_id();
        self.open_sip(node, port, t0);
        let path = self.sip_path(node);
        for (i, (c, end, acc, tail, frames)) in [
            (before, 1_316, 3_473, 55, (570, 573)),
            (here, 11_983, 13_238, 58, (576, 578)),
        ]
        .into_iter()
        .enumerate()
        {
            let t = t0 + us(end);
            let refer = self.phone.refer(path, t, ALARM_TYPE, &tl_info(phone, c));
            let s = self.sip_send(node, Dir::ToServer, t, &refer, Some(tail));
            let what = format!(
                "REFER alarm DeviceTLInfo #{}, ITL_TFTP_Server {} (continuation segment)",
                i + 1,
                c.ip
            );
            self.note(
                s.first,
                "first segment of the alarm REFER (1448 bytes or less)",
            );
            self.note(s.last, &article(lab, frames.0, &what));
            let t = t0 + us(acc);
            let accepted = self.cucm(node).accepted(&refer, t);
            let s = self.sip_send(node, Dir::ToClient, t, &accepted, None);
            self.note(s.last, &article(lab, frames.1, "202 Accepted"));
        }

        let t = t0 + us(55_360);
        let reg = self.phone_register(node, t, &RegisterKind::Bulk(restart));
        let s = self.sip_send(node, Dir::ToServer, t, &reg, None);
        self.note(
            s.last,
            &article(
                lab,
                581,
                "REGISTER (1 binding), multipart remotecc bulkregisterreq + optionsind",
            ),
        );
        let t = t0 + us(55_855);
        let trying = self.cucm(node).trying(&reg, t);
        let s = self.sip_send(node, Dir::ToClient, t, &trying, None);
        self.note(s.last, &article(lab, 583, "100 Trying"));
        let t = t0 + us(172_196);
        if outcome == RegisterOutcome::Forbidden {
            let no =
                self.cucm(node)
                    .forbidden(&reg, t, "Device not allowed to register as EMCC device");
            let s = self.sip_send(node, Dir::ToClient, t, &no, None);
            self.note(
                s.last,
                "variant: 403 Forbidden instead of article #585's 200 OK",
            );
            self.drop_registration(node);
            let fin = self.close_sip(node, Dir::ToServer, t + us(6_214));
            self.note(fin, "phone gives up on this node");
            return;
        }
        let ok = self.cucm(node).registered(&reg, t, true);
        let s = self.sip_send(node, Dir::ToClient, t, &ok, None);
        self.note(
            s.last,
            &article(lab, 585, "200 OK (1 binding), remotecc-response code 200"),
        );

        let t = t0 + us(172_486);
        let update = self.cucm(node).refer_bulk_update(path, t);
        let s = self.sip_send(node, Dir::ToClient, t, &update, None);
        self.note(
            s.last,
            &article(
                lab,
                586,
                "REFER to the phone: remotecc-request + text/plain",
            ),
        );
        let t = t0 + us(468_951);
        let report = remotecc::phone_state_report();
        let refer = self.phone.refer(path, t, REMOTECC_REQUEST, &report);
        let s = self.sip_send(node, Dir::ToServer, t, &refer, None);
        self.note(
            s.last,
            &article(lab, 590, "REFER from the phone: remotecc-request"),
        );
        let t = t0 + us(470_985);
        let accepted = self.cucm(node).accepted(&refer, t);
        let s = self.sip_send(node, Dir::ToClient, t, &accepted, None);
        self.note(s.last, &article(lab, 592, "202 Accepted"));
        let t = t0 + us(479_652);
        let ok = self.phone.ok_with_contact(&update, path, t);
        let s = self.sip_send(node, Dir::ToServer, t, &ok, None);
        self.note(s.last, &article(lab, 596, "200 OK to the node's REFER"));
    }

    /// A failed login's end: the phone reconnects to the visiting cluster, reports the
    /// visiting cluster's trust list again and registers there, naming `restart`.
    pub fn fallback_to_visiting(&mut self, t0: Micros, restart: Restart) {
        let node = Node::Visiting;
        let c = self.cluster(node);
        let phone = self.phone_id();
        let port = self.ephemeral_port();
        self.open_sip(node, port, t0);
        let path = self.sip_path(node);
        let t = t0 + us(1_402);
        let refer = self.phone.refer(path, t, ALARM_TYPE, &tl_info(phone, c));
        let s = self.sip_send(node, Dir::ToServer, t, &refer, None);
        self.note(
            s.last,
            "fallback: REFER alarm DeviceTLInfo, ITL of the visiting cluster",
        );
        let t = t0 + us(4_118);
        let accepted = self.cucm(node).accepted(&refer, t);
        self.sip_send(node, Dir::ToClient, t, &accepted, None);
        let t = t0 + us(46_733);
        let reg = self.phone_register(node, t, &RegisterKind::Bind(restart));
        let s = self.sip_send(node, Dir::ToServer, t, &reg, None);
        let what = format!(
            "fallback: REGISTER with the visiting cluster, cisco-alarm:{}",
            restart.code
        );
        self.note(s.last, &what);
        let t = t0 + us(47_310);
        let trying = self.cucm(node).trying(&reg, t);
        self.sip_send(node, Dir::ToClient, t, &trying, None);
        let t = t0 + us(48_921);
        let ok = self.cucm(node).registered(&reg, t, false);
        let s = self.sip_send(node, Dir::ToClient, t, &ok, None);
        self.note(
            s.last,
            "fallback: 200 OK (1 binding), the phone is back on the visiting cluster",
        );
    }
}
