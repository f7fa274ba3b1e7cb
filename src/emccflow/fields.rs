//! What `emccflow` registers. Field abbreviations are a public interface:
//! never rename them.
use crate::epan::{
    Expert, ExpertGroup, Field, FieldKind, Protocol, Severity, StringPref, Subtree, UintPref,
};

use super::phase::PHASE_NAMES;

pub static PHASE: Field = Field::new(
    "emccflow.phase",
    "Phase",
    FieldKind::Uint(Some(PHASE_NAMES)),
    "Which step of the phone's EMCC login (or logout) this frame belongs to, 1-8.",
);
pub static DEVICE: Field = Field::new(
    "emccflow.device",
    "Device",
    FieldKind::String,
    "The phone's device name (SEP followed by its MAC address), once known.",
);
pub static PHONE: Field = Field::new(
    "emccflow.phone",
    "Phone Address",
    FieldKind::String,
    "The phone's network address.",
);
pub static USER: Field = Field::new(
    "emccflow.user",
    "User",
    FieldKind::String,
    "The EMCC user logging in, once the login request named them.",
);
pub static CLUSTER: Field = Field::new(
    "emccflow.cluster",
    "Cluster",
    FieldKind::String,
    "Which cluster the phone talks to in this frame: visiting or home.",
);
pub static STEP: Field = Field::new(
    "emccflow.step",
    "Step",
    FieldKind::String,
    "What this frame means in the login, in one line.",
);
pub static ATTEMPT: Field = Field::new(
    "emccflow.attempt",
    "Attempt",
    FieldKind::Uint(None),
    "Which login (or logout) of this phone in the capture the frame belongs to, 1 for the first.",
);
pub static ELAPSED: Field = Field::new(
    "emccflow.elapsed",
    "Elapsed",
    FieldKind::RelativeTime,
    "Seconds since the attempt started (absent for the registration that precedes it).",
);
pub static VISITING: Field = Field::new(
    "emccflow.visiting",
    "Visiting Cluster",
    FieldKind::String,
    "The visiting cluster's address as known at this frame (the EMApp server).",
);
pub static HOME: Field = Field::new(
    "emccflow.home",
    "Home Cluster",
    FieldKind::String,
    "The home cluster's address as known at this frame.",
);

pub static ETT_FLOW: Subtree = Subtree::new();

pub static LOGIN_REFUSED: Expert = Expert::new(
    "emccflow.login_refused",
    "EMCC login refused",
    ExpertGroup::ResponseCode,
    Severity::Warn,
);
pub static FILES_UNAVAILABLE: Expert = Expert::new(
    "emccflow.files_unavailable",
    "Trust or configuration file unavailable over HTTP and TFTP",
    ExpertGroup::ResponseCode,
    Severity::Error,
);
pub static TVS_FAILED: Expert = Expert::new(
    "emccflow.tvs_failed",
    "TVS did not vouch for the home cluster",
    ExpertGroup::Sequence,
    Severity::Error,
);
pub static REGISTER_REJECTED: Expert = Expert::new(
    "emccflow.register_rejected",
    "Home cluster rejected the registration",
    ExpertGroup::ResponseCode,
    Severity::Error,
);
pub static STUCK: Expert = Expert::new(
    "emccflow.stuck",
    "Phone stuck in one phase of the login",
    ExpertGroup::Sequence,
    Severity::Warn,
);
pub static FELL_BACK: Expert = Expert::new(
    "emccflow.fell_back",
    "Phone fell back to the visiting cluster",
    ExpertGroup::Sequence,
    Severity::Warn,
);
pub static COMPLETED: Expert = Expert::new(
    "emccflow.completed",
    "EMCC login or logout completed",
    ExpertGroup::Sequence,
    Severity::Chat,
);
pub static MID_FLOW: Expert = Expert::new(
    "emccflow.mid_flow",
    "Capture starts in the middle of a login",
    ExpertGroup::Sequence,
    Severity::Note,
);
pub static PLUGIN_BUG: Expert = Expert::new(
    "emccflow.plugin_bug",
    "Plugin bug while labelling the EMCC flow",
    ExpertGroup::Malformed,
    Severity::Error,
);

pub static VISITING_CLUSTERS: StringPref = StringPref::new(
    "visiting_clusters",
    "Visiting cluster addresses",
    "Addresses of visiting-cluster nodes, separated by commas or spaces. Needed only when the capture starts after the EMApp login; otherwise the EMApp server is taken as the visiting cluster.",
    c"",
);
pub static HOME_CLUSTERS: StringPref = StringPref::new(
    "home_clusters",
    "Home cluster addresses",
    "Addresses of home-cluster nodes, separated by commas or spaces. Otherwise the servers the phone turns to after its restart that are not the visiting cluster are taken as the home cluster.",
    c"",
);
pub static STUCK_AFTER: UintPref = UintPref::new(
    "stuck_after",
    "Stuck after (seconds)",
    "A phone that is still in the same phase of a login this many seconds after entering it is reported as stuck (0: never).",
    30,
);

pub static MEMORY_LIMIT: Expert = Expert::new(
    "emccflow.memory_limit",
    "The plugin's memory limit was reached: later login flow frames are not decoded",
    ExpertGroup::Undecoded,
    Severity::Warn,
);

pub static PROTOCOL: Protocol = Protocol::new(
    "EMCC Login Flow",
    c"EMCCFlow",
    "emccflow",
    &[
        &PHASE, &DEVICE, &PHONE, &USER, &CLUSTER, &STEP, &ATTEMPT, &ELAPSED, &VISITING, &HOME,
    ],
    &[&ETT_FLOW],
    &[
        &LOGIN_REFUSED,
        &FILES_UNAVAILABLE,
        &TVS_FAILED,
        &REGISTER_REJECTED,
        &STUCK,
        &FELL_BACK,
        &COMPLETED,
        &MID_FLOW,
        &MEMORY_LIMIT,
    ],
    &PLUGIN_BUG,
);
