//! Every generated capture, through tshark with the plugin, compared with an
//! expected file per capture: what our protocols decoded, and every expert
//! info raised on those frames (but HTTP's chat item for each request and
//! status line, see `common::normalise_stock_output`).
mod common;

use common::{assert_matches_expected, bundled_captures, sandbox};

const FIELDS: &[&str] = &[
    "frame.number",
    "ciscoalarm.name",
    "ciscoalarm.device_name",
    "ciscoalarm.param.name",
    "ciscoalarm.param.value",
    "ciscoalarm.tl.itl_signature",
    "ciscoalarm.tl.itl_tftp_server",
    "ciscoalarm.tl.previous_frame",
    "ciscoalarm.oos.reason",
    "ciscoalarm.oos.timestamp",
    "ciscoalarm.reason.code",
    "ciscoalarm.reason.last",
    "ciscoremotecc.kind",
    "ciscoremotecc.element",
    "ciscoremotecc.response.code",
    "ciscoremotecc.option",
    "emcc.action",
    "emcc.userid",
    "emcc.response.object",
    "emcc.error.code",
    "emcc.svc.error.code",
    "emccflow.phase",
    "_ws.expert.message",
];

#[test]
fn each_capture_matches_its_expected_output() {
    let s = sandbox();
    for name in bundled_captures() {
        let path = s.capture(&name);
        let mut args = vec![
            "-n",
            "-r",
            &path,
            "-Y",
            "ciscoalarm || ciscoremotecc || emcc",
            "-T",
            "fields",
            "-E",
            "occurrence=a",
            "-E",
            "aggregator=|",
        ];
        for f in FIELDS {
            args.extend(["-e", f]);
        }
        let run = s.tshark(&args);
        run.assert_clean(&name);
        let expected_name = format!("captures/{}.txt", name.trim_end_matches(".pcapng"));
        assert_matches_expected(&expected_name, &run.stdout);
    }
}
