//! The "EMCC Login Flow" statistics tree (Statistics menu, `-z emccflow,tree`):
//! labelled frames per phase, and how attempts ended.

use super::label::{FindingKind, Outcome};
use super::label_of;
use crate::epan::{NodeId, StatsNodes};

const BY_PHASE: &str = "Frames by phase";
const OUTCOMES: &str = "Attempt outcomes";
const DIAGNOSES: &str = "Diagnoses";

pub fn init(nodes: &mut StatsNodes) {
    nodes.create(BY_PHASE, StatsNodes::ROOT, true);
    nodes.create(OUTCOMES, StatsNodes::ROOT, true);
    nodes.create(DIAGNOSES, StatsNodes::ROOT, true);
}

pub fn packet(nodes: &mut StatsNodes, frame: u32) {
    let Some(label) = label_of(frame) else {
        return;
    };
    let by_phase: NodeId = nodes.tick(BY_PHASE, StatsNodes::ROOT, true);
    nodes.tick(
        &format!("{} {}", label.phase.number(), label.phase.name()),
        by_phase,
        false,
    );
    if let Some(outcome) = &label.outcome {
        let outcomes = nodes.tick(OUTCOMES, StatsNodes::ROOT, true);
        let name = match outcome {
            Outcome::Completed { .. } => format!("{} completed", label.kind.as_str()),
            Outcome::Failed { phase, reason, .. } => {
                format!("stopped in phase {}: {reason}", phase.number())
            }
        };
        nodes.tick(&name, outcomes, false);
    }
    for finding in &label.findings {
        if finding.kind == FindingKind::Completed {
            continue;
        }
        let diagnoses = nodes.tick(DIAGNOSES, StatsNodes::ROOT, true);
        nodes.tick(diagnosis_name(finding.kind), diagnoses, false);
    }
}

fn diagnosis_name(kind: FindingKind) -> &'static str {
    match kind {
        FindingKind::LoginRefused => "login refused",
        FindingKind::FilesUnavailable => "files unavailable",
        FindingKind::TvsFailed => "TVS failed",
        FindingKind::RegisterRejected => "home registration rejected",
        FindingKind::Stuck => "stuck in a phase",
        FindingKind::FellBack => "fell back to the visiting cluster",
        FindingKind::Completed => "completed",
        FindingKind::MidFlow => "capture starts mid-flow",
    }
}
