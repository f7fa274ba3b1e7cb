//! The lab login as one builder: the article's run by default; options change a single
//! outcome, and the run stops where the phone cannot go on.
//! Every lab-based capture uses the same seed label, so they share identifiers, ports
//! and sequence numbers up to the point where they differ.

use crate::clock::us;
use crate::downloads::HomeTrust;
use crate::emapp_flow::LoginOutcome;
use crate::lab::{Lab, Node};
use crate::registration::{Outage, RegisterOutcome, RESTARTED};
use crate::topology::{PHONE_SIP_PORT_HC, VISITING};
use crate::tvs::TvsOutcome;

#[derive(Clone, Copy)]
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

const SEED_LABEL: &str = "emcc-lab";

/// The phone's previous outage, reported after the boot (article frame 355): it was
/// last initialized a few minutes before the capture, registered with the VC.
const BOOT_OUTAGE: Outage = Outage {
    reason: 25,
    text: "LastTimeInitialized",
    cluster: &VISITING,
    local_port: 51_544,
    at_unix_ms: 1_552_156_141_327,
    last_cseq: 1_190,
};

/// Runs the phases the outcomes allow and returns the lab so a variant can add an ending.
pub fn run(o: &LabOptions) -> Lab {
    let mut lab = Lab::new(SEED_LABEL);
    lab.register_with_visiting();
    lab.emapp_login(o.login);
    if o.login != LoginOutcome::Success {
        return lab; // the phone stays registered with the visiting cluster
    }
    lab.restart_and_unregister(Node::Visiting, us(26_587_478), &BOOT_OUTAGE);
    lab.visiting_downloads(us(27_468_600), true);
    lab.home_trust_downloads(o.home_trust);
    if o.home_trust != HomeTrust::ItlAvailable {
        return lab;
    }
    lab.tvs_session(o.tvs);
    if o.tvs != TvsOutcome::Answered {
        return lab;
    }
    lab.home_config_downloads();
    lab.register_after_restart(
        Node::Home,
        PHONE_SIP_PORT_HC,
        us(38_782_950),
        RESTARTED,
        o.home_register,
    );
    lab
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
