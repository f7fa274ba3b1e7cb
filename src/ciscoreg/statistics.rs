//! The "Cisco Phone Registrations" statistics tree (Statistics menu, `-z
//! ciscoreg,tree`): registration frames by event, findings by kind, and
//! frames per CUCM.

use super::label_of;
use crate::epan::StatsNodes;

const EVENTS: &str = "Registration events";
const FINDINGS: &str = "Findings";
const CUCMS: &str = "Frames per CUCM";

pub fn init(nodes: &mut StatsNodes) {
    nodes.create(EVENTS, StatsNodes::ROOT, true);
    nodes.create(FINDINGS, StatsNodes::ROOT, true);
    nodes.create(CUCMS, StatsNodes::ROOT, true);
}

pub fn packet(nodes: &mut StatsNodes, frame: u32) {
    let Some(label) = label_of(frame) else {
        return;
    };
    for event in &label.events {
        let events = nodes.tick(EVENTS, StatsNodes::ROOT, true);
        nodes.tick(
            &format!("{} {}", label.signalling.as_str(), event.event.as_str()),
            events,
            false,
        );
        let cucms = nodes.tick(CUCMS, StatsNodes::ROOT, true);
        nodes.tick(&event.cucm, cucms, false);
    }
    for finding in &label.findings {
        let findings = nodes.tick(FINDINGS, StatsNodes::ROOT, true);
        nodes.tick(finding.kind.as_str(), findings, false);
    }
}
