//! The lab login as one builder: the article's run by default; options change a single
//! outcome, and the run stops where the phone cannot go on. The same phases run for any
//! site (phone and clusters) at any start time, and for an SCCP phone (its registration
//! phases in Skinny); the logout is here too.
//! Every lab-based capture of the article's site uses the same seed label, so they share
//! identifiers, ports and sequence numbers up to the point where they differ.

use crate::clock::{secs, unix_us, us, Micros};
use crate::downloads::HomeTrust;
use crate::emapp_flow::LoginOutcome;
use crate::lab::{Lab, Node};
use crate::phase::Phase;
use crate::phone::{LoadStyle, Restart};
use crate::registration::{
    Outage, RegisterOutcome, FILE_AUTH_ERROR, FILE_NOT_FOUND, REGISTER_REJECTED, RESTARTED,
};
use crate::topology::Signalling;
use crate::tvs::TvsOutcome;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct LabOptions {
    pub login: LoginOutcome,
    pub home_trust: HomeTrust,
    pub tvs: TvsOutcome,
    pub home_register: RegisterOutcome,
}

/// The article's lab run.
pub const ARTICLE: LabOptions = LabOptions {
    login: LoginOutcome::Success,
    home_trust: HomeTrust::ItlAvailable,
    tvs: TvsOutcome::Answered,
    home_register: RegisterOutcome::Accepted,
};

pub const SEED_LABEL: &str = "emcc-lab";

/// How long before its lab's clock starts the phone was last initialized (article
/// frame 355 reports that outage, at 1552156141327 ms, registered with the VC).
const BOOT_OUTAGE_AGE_MS: u64 = 182_573;

/// The phone's previous outage, reported after the boot (article frame 355): it was
/// last initialized a few minutes before the lab's clock starts, registered with the VC.
fn boot_outage(lab: &Lab) -> Outage {
    Outage {
        reason: 25,
        text: "LastTimeInitialized",
        node: Node::Visiting,
        local_port: 51_544,
        at_unix_ms: unix_us(lab.origin()) / 1_000 - BOOT_OUTAGE_AGE_MS,
        last_cseq: 1_190,
    }
}

/// Runs the article's lab with these outcomes and returns the lab so a variant can add
/// an ending.
pub fn run(o: &LabOptions) -> Lab<'static> {
    let mut lab = Lab::new(SEED_LABEL);
    run_phases(&mut lab, o);
    lab
}

/// Runs the phases the outcomes allow, on the lab's clock (the article's times after the
/// lab's origin), each message labelled with the phase that sends it.
pub fn run_phases(lab: &mut Lab, o: &LabOptions) {
    let sccp = lab.signalling() == Signalling::Sccp;
    lab.cap.enter(Phase::VisitingRegistration);
    if sccp {
        lab.skinny_register_with_visiting();
    } else {
        lab.register_with_visiting();
    }
    lab.cap.enter(Phase::EmccLogin);
    lab.emapp_login(o.login);
    if o.login != LoginOutcome::Success {
        return; // the phone stays registered with the visiting cluster
    }
    lab.cap.enter(Phase::RestartAndUnregister);
    let t_restart = lab.at_time(us(26_587_478));
    if sccp {
        lab.skinny_restart_and_unregister(Node::Visiting, t_restart);
    } else {
        let outage = boot_outage(lab);
        lab.restart_and_unregister(Node::Visiting, t_restart, &outage);
    }
    lab.cap.enter(Phase::VisitingTrustAndConfig);
    lab.visiting_downloads(lab.at_time(us(27_468_600)), true);
    lab.cap.enter(Phase::HomeTrust);
    lab.home_trust_downloads(o.home_trust);
    if o.home_trust != HomeTrust::ItlAvailable {
        return;
    }
    lab.tvs_session(o.tvs);
    if o.tvs != TvsOutcome::Answered {
        return;
    }
    lab.cap.enter(Phase::HomeConfig);
    lab.home_config_downloads();
    lab.cap.enter(Phase::HomeRegistration);
    let port = lab.phone_id().sip_port_hc;
    let t0 = lab.at_time(us(38_782_950));
    if sccp {
        lab.skinny_register_after_restart(Node::Home, port, t0, RESTARTED, o.home_register);
    } else {
        lab.register_after_restart(Node::Home, port, t0, RESTARTED, o.home_register);
    }
}

/// When (on the lab's clock) and with which restart cause the phone of a failed login
/// gives up and registers with the visiting cluster again; `None` if the login succeeds
/// or the phone never left the visiting cluster.
pub fn fallback(o: &LabOptions) -> Option<(Micros, Restart)> {
    if o.login != LoginOutcome::Success {
        None
    } else if o.home_trust != HomeTrust::ItlAvailable {
        Some((us(44_871_302), FILE_NOT_FOUND))
    } else if o.tvs == TvsOutcome::Reset {
        Some((us(35_420_117), FILE_AUTH_ERROR))
    } else if o.tvs == TvsOutcome::NoResponse {
        Some((us(44_316_550), FILE_AUTH_ERROR))
    } else if o.home_register == RegisterOutcome::Forbidden {
        Some((us(39_802_644), REGISTER_REJECTED))
    } else {
        None
    }
}

/// The phases, then the fallback to the visiting cluster if the login failed half way.
pub fn run_to_the_end(lab: &mut Lab, o: &LabOptions) {
    run_phases(lab, o);
    if let Some((at, restart)) = fallback(o) {
        // Giving up belongs to the phase the login stopped in (the flow
        // dissector labels it so): no new phase is entered.
        let t0 = lab.at_time(at);
        match lab.signalling() {
            Signalling::Sip => lab.fallback_to_visiting(t0, restart),
            Signalling::Sccp => lab.skinny_fallback_to_visiting(t0, restart),
        }
    }
}

/// How long the user was logged in when the logout starts: the article's login restart
/// (27.072653 s into its capture) happened this long before `logout`'s `t0`.
const LOGGED_IN_FOR: Micros = secs(3_600) - us(27_072_653);

/// The logout of an EMCC user whose login ended an hour before `t0`: the phone starts
/// registered with the home cluster on the login's connection (no handshake in the
/// capture). EMApp logout on the VC, restart from the HC (a SIP NOTIFY or a Skinny
/// Reset), unregister, VC downloads, registration back on the VC. Every message is
/// phase 8.
pub fn logout(lab: &mut Lab, t0: Micros) {
    lab.cap.enter(Phase::Logout);
    let sccp = lab.signalling() == Signalling::Sccp;
    let phone = lab.phone_id();
    if sccp {
        lab.adopt_skinny(Node::Home, phone.sip_port_hc);
    } else {
        lab.adopt_sip(Node::Home, phone.sip_port_hc);
        lab.assume_registered(Node::Home, 113);
    }
    lab.emapp_logout(t0 + us(1_212), t0 + us(196_573));
    let t_restart = t0 + us(412_288);
    if sccp {
        lab.skinny_restart_and_unregister(Node::Home, t_restart);
    } else {
        // The outage the phone reports is the login's restart, when it left the VC.
        let login_restart = Outage {
            reason: 23,
            text: "LastTimeResetRestart",
            node: Node::Visiting,
            local_port: phone.sip_port_vc,
            at_unix_ms: (unix_us(t0) - LOGGED_IN_FOR) / 1_000,
            last_cseq: 102,
        };
        lab.restart_and_unregister(Node::Home, t_restart, &login_restart);
    }
    lab.visiting_downloads(t0 + us(1_293_514), false);
    // Spelled as the article's phone log writes it after a restart.
    let restarted = Restart {
        code: 23,
        last: "reset-restart",
        style: LoadStyle::ActiveInactive,
    };
    let port = lab.ephemeral_port();
    let (node, t_register) = (Node::Visiting, t0 + us(4_611_820));
    let accepted = RegisterOutcome::Accepted;
    if sccp {
        lab.skinny_register_after_restart(node, port, t_register, restarted, accepted);
    } else {
        lab.register_after_restart(node, port, t_register, restarted, accepted);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every frame the article's tables list, with its time (microseconds).
    const ARTICLE_TIMES: &[(u32, u64)] = &[
        (5, 788_879),
        (6, 789_738),
        (8, 790_626),
        (127, 11_984_091),
        (131, 12_162_613),
        (249, 21_495_892),
        (263, 21_974_894),
        (276, 22_291_842),
        (278, 22_298_924),
        (322, 26_413_083),
        (324, 26_413_935),
        (342, 26_587_478),
        (344, 26_599_787),
        (349, 26_666_236),
        (352, 26_669_085),
        (355, 27_021_115),
        (357, 27_023_629),
        (359, 27_070_842),
        (360, 27_071_524),
        (362, 27_072_653),
        (372, 27_468_600),
        (374, 27_468_859),
        (382, 27_642_250),
        (397, 27_643_612),
        (411, 28_482_515),
        (415, 28_492_222),
        (445, 31_697_951),
        (456, 32_470_464),
        (461, 32_652_384),
        (472, 32_653_307),
        (485, 32_846_664),
        (487, 32_847_319),
        (490, 33_362_164),
        (491, 33_370_101),
        (495, 33_866_946),
        (496, 33_867_758),
        (509, 35_090_712),
        (526, 35_103_308),
        (548, 37_509_328),
        (554, 37_510_070),
        (570, 38_784_266),
        (573, 38_786_423),
        (576, 38_794_933),
        (578, 38_796_188),
        (581, 38_838_310),
        (583, 38_838_805),
        (585, 38_955_146),
        (586, 38_955_436),
        (590, 39_251_901),
        (592, 39_253_935),
        (596, 39_262_602),
    ];

    #[test]
    fn article_frames_keep_their_times_and_order() {
        let cap = run(&ARTICLE).finish();
        let frames = cap.frames();
        assert_eq!(frames[0].t, 0, "frame 1 is at t=0");
        let mut last_index = 0;
        for &(number, t) in ARTICLE_TIMES {
            let tag = format!("article #{number}:");
            let (index, frame) = frames
                .iter()
                .enumerate()
                .find(|(_, f)| f.comment.as_deref().is_some_and(|c| c.contains(&tag)))
                .unwrap_or_else(|| panic!("no frame for {tag}"));
            assert_eq!(frame.t, t, "{tag} at the wrong time");
            assert!(index > last_index || number == 5, "{tag} out of order");
            last_index = index;
        }
    }
}
