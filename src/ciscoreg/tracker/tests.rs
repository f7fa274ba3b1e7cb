use super::*;
use crate::ciscoreg::facts::{FrameFacts, Input, Restart, Sccp};

const PHONE: &str = "10.0.1.1";
const PRIMARY: &str = "10.0.0.11";
const BACKUP: &str = "10.0.0.12";

struct Run {
    tracker: Tracker,
    frame: u32,
}

impl Run {
    fn new() -> Run {
        Run {
            tracker: Tracker::new(),
            frame: 0,
        }
    }

    fn at(
        &mut self,
        secs: i64,
        src: &str,
        dst: &str,
        stream: u32,
        input: Input,
    ) -> Option<RegLabel> {
        self.frame += 1;
        self.tracker.observe(&FrameFacts {
            frame: self.frame,
            time: NsTime::new(1_000 + secs, 0),
            src: src.into(),
            dst: dst.into(),
            stream: Some(stream),
            inputs: vec![input],
        })
    }

    /// The event word and the finding kinds of a frame.
    fn says(
        &mut self,
        secs: i64,
        src: &str,
        dst: &str,
        stream: u32,
        input: Input,
    ) -> (String, Vec<&'static str>) {
        let label = self.at(secs, src, dst, stream, input).expect("a label");
        (
            label.events[0].event.as_str().to_string(),
            label.findings.iter().map(|f| f.kind.as_str()).collect(),
        )
    }

    /// REGISTER → 200 OK granting 120 s.
    fn sip_register(
        &mut self,
        secs: i64,
        cucm: &str,
        stream: u32,
        restart: bool,
    ) -> (String, Vec<&'static str>) {
        let said = self.says(secs, PHONE, cucm, stream, register(3600, restart));
        self.says(secs, cucm, PHONE, stream, ok(Some(120), false));
        said
    }
}

fn register(expires: u32, restart: bool) -> Input {
    Input::SipRegister {
        expires: Some(expires),
        keep_alive: false,
        device: Some("SEP001122334455".into()),
        restart: restart.then(|| Restart {
            code: Some(25),
            last: Some("Initialized".into()),
        }),
    }
}

fn keepalive() -> Input {
    Input::SipRegister {
        expires: Some(0),
        keep_alive: true,
        device: None,
        restart: None,
    }
}

fn ok(expires: Option<u32>, keep_alive: bool) -> Input {
    Input::SipResponse {
        status: 200,
        phrase: "OK".into(),
        expires,
        keep_alive,
    }
}

fn ev(e: &str, f: &[&'static str]) -> (String, Vec<&'static str>) {
    (e.to_string(), f.to_vec())
}

#[test]
fn a_healthy_sip_phone_registers_refreshes_and_keeps_its_backup_alive() {
    let mut run = Run::new();
    assert_eq!(run.sip_register(0, PRIMARY, 1, true), ev("register", &[]));
    let label = run.at(0, PRIMARY, PHONE, 1, ok(Some(120), false));
    // A second 200 OK answers nothing pending: still "registered".
    assert_eq!(label.unwrap().events[0].expires, Some(120));
    assert_eq!(
        run.says(2, PHONE, BACKUP, 2, keepalive()),
        ev("keepalive", &[])
    );
    assert_eq!(
        run.says(2, BACKUP, PHONE, 2, ok(Some(0), true)),
        ev("keepalive-ack", &[])
    );
    let label = run
        .at(115, PHONE, PRIMARY, 1, register(3600, false))
        .unwrap();
    assert_eq!(label.events[0].event, Event::Refresh);
    assert_eq!(label.events[0].role, Some(Role::Primary));
    assert_eq!(label.events[0].interval, Some(NsTime::new(115, 0)));
    assert!(label.findings.is_empty());
    assert_eq!(label.device.as_deref(), Some("SEP001122334455"));
    let label = run.at(117, PHONE, BACKUP, 2, keepalive()).unwrap();
    assert_eq!(label.events[0].role, Some(Role::Backup));
    assert!(label.findings.is_empty(), "{:?}", label.findings);
}

#[test]
fn a_refresh_after_the_grant_ran_out_is_missed() {
    let mut run = Run::new();
    run.sip_register(0, PRIMARY, 1, true);
    assert_eq!(run.sip_register(115, PRIMARY, 1, false), ev("refresh", &[]));
    assert_eq!(
        run.sip_register(255, PRIMARY, 1, false),
        ev("refresh", &["missed"])
    );
    assert_eq!(run.sip_register(370, PRIMARY, 1, false), ev("refresh", &[]));
}

#[test]
fn registering_with_the_backup_after_an_unanswered_refresh_is_a_failover() {
    let mut run = Run::new();
    run.sip_register(0, PRIMARY, 1, true);
    run.says(2, PHONE, BACKUP, 2, keepalive());
    run.says(2, BACKUP, PHONE, 2, ok(Some(0), true));
    assert_eq!(
        run.says(115, PHONE, PRIMARY, 1, register(3600, false)),
        ev("refresh", &[])
    );
    let label = run
        .at(147, PHONE, BACKUP, 2, register(3600, false))
        .unwrap();
    assert_eq!(label.events[0].event, Event::Register);
    assert_eq!(label.events[0].role, Some(Role::Backup));
    assert_eq!(label.findings[0].kind, FindingKind::Failover);
    assert!(label.findings[0]
        .text
        .contains("REGISTER of frame 5 got no answer"));
}

#[test]
fn the_third_fresh_registration_in_ten_minutes_is_a_loop() {
    let mut run = Run::new();
    assert_eq!(run.sip_register(0, PRIMARY, 1, true), ev("register", &[]));
    assert_eq!(run.sip_register(45, PRIMARY, 2, true), ev("register", &[]));
    assert_eq!(
        run.sip_register(90, PRIMARY, 3, true),
        ev("register", &["loop"])
    );
    assert_eq!(
        run.sip_register(135, PRIMARY, 4, true),
        ev("register", &["loop"])
    );
    // Refreshes are not fresh registrations.
    assert_eq!(run.sip_register(250, PRIMARY, 4, false), ev("refresh", &[]));
    // Ten minutes later the window has emptied.
    assert_eq!(run.sip_register(900, PRIMARY, 5, true), ev("register", &[]));
}

#[test]
fn rejections_challenges_and_unregisters() {
    let mut run = Run::new();
    run.says(0, PHONE, PRIMARY, 1, register(3600, true));
    assert_eq!(
        run.says(
            0,
            PRIMARY,
            PHONE,
            1,
            Input::SipResponse {
                status: 401,
                phrase: "Unauthorized".into(),
                expires: None,
                keep_alive: false
            }
        ),
        ev("challenged", &[])
    );
    run.says(1, PHONE, PRIMARY, 1, register(3600, false));
    let label = run
        .at(
            1,
            PRIMARY,
            PHONE,
            1,
            Input::SipResponse {
                status: 404,
                phrase: "Not Found".into(),
                expires: None,
                keep_alive: false,
            },
        )
        .unwrap();
    assert_eq!(label.events[0].event, Event::Rejected);
    assert!(label.findings[0].text.contains("404 Not Found"));
    run.sip_register(60, PRIMARY, 1, true);
    assert_eq!(
        run.says(90, PHONE, PRIMARY, 1, register(0, false)),
        ev("unregister", &[])
    );
    assert_eq!(
        run.says(90, PRIMARY, PHONE, 1, ok(Some(0), false)),
        ev("unregistered", &["unregistered"])
    );
    // The phone closes first: the CUCM's FIN answers it.
    assert_eq!(
        run.says(91, PHONE, PRIMARY, 1, Input::Closed { reset: false }),
        ev("closed", &[])
    );
    assert_eq!(
        run.says(91, PRIMARY, PHONE, 1, Input::Closed { reset: false }),
        ev("closed", &[])
    );
}

#[test]
fn a_cucm_reset_of_a_registered_connection_unregisters_the_phone() {
    let mut run = Run::new();
    run.sip_register(0, PRIMARY, 1, true);
    assert_eq!(
        run.says(170, PRIMARY, PHONE, 1, Input::Closed { reset: true }),
        ev("reset", &["unregistered"])
    );
    // Unknown connections are none of ours.
    assert!(run
        .at(171, PRIMARY, PHONE, 9, Input::Closed { reset: true })
        .is_none());
}

#[test]
fn a_phone_first_seen_refreshing_was_registered_before_the_capture() {
    let mut run = Run::new();
    let label = run
        .at(30, PHONE, PRIMARY, 1, register(3600, false))
        .unwrap();
    assert_eq!(label.events[0].event, Event::Refresh);
    assert_eq!(label.events[0].role, Some(Role::Primary));
    assert_eq!(label.events[0].interval, None);
}

#[test]
fn an_sccp_phone_with_its_secondary_missed_keepalives_and_failover() {
    let mut run = Run::new();
    let sccp = |m| Input::Sccp(m);
    let label = run
        .at(
            0,
            PHONE,
            PRIMARY,
            1,
            sccp(Sccp::Alarm {
                text: "25: Name=SEP1 Load= 9.4 Last=Initialized".into(),
            }),
        )
        .unwrap();
    assert_eq!(label.restart.unwrap().code, Some(25));
    assert_eq!(
        run.says(
            0,
            PHONE,
            PRIMARY,
            1,
            sccp(Sccp::Register {
                device: Some("SEP1".into())
            })
        ),
        ev("register", &[])
    );
    let label = run
        .at(
            0,
            PRIMARY,
            PHONE,
            1,
            sccp(Sccp::RegisterAck {
                keepalive: Some(30),
                secondary: Some(60),
            }),
        )
        .unwrap();
    assert_eq!(label.events[0].expires, Some(30));
    assert_eq!(label.signalling, Signalling::Sccp);
    assert_eq!(
        run.says(1, PHONE, BACKUP, 2, sccp(Sccp::KeepAlive)),
        ev("keepalive", &[])
    );
    run.says(1, BACKUP, PHONE, 2, sccp(Sccp::KeepAliveAck));
    run.says(30, PHONE, PRIMARY, 1, sccp(Sccp::KeepAlive));
    run.says(30, PRIMARY, PHONE, 1, sccp(Sccp::KeepAliveAck));
    let label = run.at(61, PHONE, BACKUP, 2, sccp(Sccp::KeepAlive)).unwrap();
    assert_eq!(label.events[0].role, Some(Role::Backup));
    assert!(label.findings.is_empty(), "{:?}", label.findings);
    run.says(61, BACKUP, PHONE, 2, sccp(Sccp::KeepAliveAck));
    // 75 s later: late against the 30 s asked for.
    assert_eq!(
        run.says(105, PHONE, PRIMARY, 1, sccp(Sccp::KeepAlive)),
        ev("keepalive", &["missed"])
    );
    // Not acknowledged; the next one says so.
    assert_eq!(
        run.says(135, PHONE, PRIMARY, 1, sccp(Sccp::KeepAlive)),
        ev("keepalive", &["missed"])
    );
    assert_eq!(
        run.says(
            140,
            PHONE,
            BACKUP,
            2,
            sccp(Sccp::Register {
                device: Some("SEP1".into())
            })
        ),
        ev("register", &["failover"])
    );
}

#[test]
fn sccp_rejections_and_unregisters() {
    let mut run = Run::new();
    run.says(
        0,
        PHONE,
        PRIMARY,
        1,
        Input::Sccp(Sccp::Register { device: None }),
    );
    assert_eq!(
        run.says(
            0,
            PRIMARY,
            PHONE,
            1,
            Input::Sccp(Sccp::RegisterReject {
                text: "Unknown Device".into()
            })
        ),
        ev("rejected", &["rejected"])
    );
    run.says(5, PHONE, PRIMARY, 1, Input::Sccp(Sccp::Unregister));
    assert_eq!(
        run.says(5, PRIMARY, PHONE, 1, Input::Sccp(Sccp::UnregisterAck)),
        ev("unregistered", &["unregistered"])
    );
}

#[test]
fn after_a_restart_the_phone_may_move_to_another_cluster_without_failing_over() {
    let mut run = Run::new();
    run.sip_register(0, PRIMARY, 1, true);
    run.says(60, PHONE, PRIMARY, 1, register(0, false));
    run.says(60, PRIMARY, PHONE, 1, ok(Some(0), false));
    let home = "10.9.9.9";
    let label = run.at(120, PHONE, home, 2, register(3600, true)).unwrap();
    assert_eq!(label.events[0].role, Some(Role::Primary));
    assert!(label.findings.is_empty(), "{:?}", label.findings);
}

#[test]
fn an_sccp_phone_failing_over_reports_a_cause_and_still_fails_over() {
    let mut run = Run::new();
    let sccp = |m| Input::Sccp(m);
    run.says(0, PHONE, PRIMARY, 1, sccp(Sccp::Register { device: None }));
    run.says(
        0,
        PRIMARY,
        PHONE,
        1,
        sccp(Sccp::RegisterAck {
            keepalive: Some(30),
            secondary: Some(60),
        }),
    );
    run.says(30, PHONE, PRIMARY, 1, sccp(Sccp::KeepAlive));
    run.says(
        40,
        PHONE,
        BACKUP,
        2,
        sccp(Sccp::Alarm {
            text: "17: Name=SEP1 Load= 9.4 Last=KeepaliveTO".into(),
        }),
    );
    assert_eq!(
        run.says(40, PHONE, BACKUP, 2, sccp(Sccp::Register { device: None })),
        ev("register", &["failover"])
    );
}

#[test]
fn moving_between_clusters_and_back_is_no_loop() {
    // An EMCC login and its fallback: visiting, home, visiting again.
    let mut run = Run::new();
    let home = "10.9.9.9";
    assert_eq!(run.sip_register(0, PRIMARY, 1, true), ev("register", &[]));
    assert_eq!(run.sip_register(20, home, 2, true), ev("register", &[]));
    assert_eq!(run.sip_register(40, PRIMARY, 3, true), ev("register", &[]));
}

#[test]
fn the_configuration_file_gives_the_roles() {
    let mut run = Run::new();
    // The file lists the node this test calls BACKUP first: it is the
    // primary, whatever order the phone talks to them in.
    run.frame += 1;
    let config = run.tracker.observe(&FrameFacts {
        frame: run.frame,
        time: NsTime::new(999, 0),
        src: "10.0.0.5".into(),
        dst: PHONE.into(),
        stream: None,
        inputs: vec![Input::Config {
            cucms: vec![BACKUP.into(), PRIMARY.into(), "cucm3.example".into()],
        }],
    });
    assert!(
        config.is_none(),
        "a configuration file is no registration frame"
    );
    let label = run.at(1, PHONE, PRIMARY, 1, keepalive()).unwrap();
    assert_eq!(label.events[0].role, Some(Role::Backup));
    let label = run.at(2, PHONE, BACKUP, 2, register(3600, true)).unwrap();
    assert_eq!(label.events[0].role, Some(Role::Primary));
    assert!(label.findings.is_empty(), "{:?}", label.findings);
}

#[test]
fn values_missing_and_devices_moving_are_noted_not_guessed() {
    let mut run = Run::new();
    // A REGISTER without Expires: still a registration, with a note.
    let label = run
        .at(
            0,
            PHONE,
            PRIMARY,
            1,
            Input::SipRegister {
                expires: None,
                keep_alive: false,
                device: Some("SEP0011223344AA".into()),
                restart: None,
            },
        )
        .unwrap();
    assert_eq!(
        label.events[0].event,
        Event::Refresh,
        "first sight, no Reason"
    );
    assert_eq!(label.findings[0].kind, FindingKind::Incomplete);
    // The same device from another address: a second phone, with a note.
    let label = run
        .at(
            60,
            "10.0.1.2",
            PRIMARY,
            2,
            Input::SipRegister {
                expires: Some(3600),
                keep_alive: false,
                device: Some("SEP0011223344AA".into()),
                restart: None,
            },
        )
        .unwrap();
    assert_eq!(&*label.phone, "10.0.1.2");
    assert_eq!(label.findings.len(), 1, "{:?}", label.findings);
    assert_eq!(label.findings[0].kind, FindingKind::Incomplete);
    assert!(label.findings[0]
        .text
        .contains("registered from 10.0.1.1 before"));
    // An SCCP RegisterAck without intervals: registered, keepalives unchecked.
    let sccp_phone = "10.0.2.1";
    run.at(
        70,
        sccp_phone,
        PRIMARY,
        3,
        Input::Sccp(Sccp::Register { device: None }),
    );
    let label = run
        .at(
            70,
            PRIMARY,
            sccp_phone,
            3,
            Input::Sccp(Sccp::RegisterAck {
                keepalive: None,
                secondary: None,
            }),
        )
        .unwrap();
    assert_eq!(label.events[0].event, Event::Registered);
    assert_eq!(label.findings[0].kind, FindingKind::Incomplete);
    run.at(75, sccp_phone, PRIMARY, 3, Input::Sccp(Sccp::KeepAlive));
    run.at(75, PRIMARY, sccp_phone, 3, Input::Sccp(Sccp::KeepAliveAck));
    let label = run
        .at(500, sccp_phone, PRIMARY, 3, Input::Sccp(Sccp::KeepAlive))
        .unwrap();
    assert!(
        label.findings.is_empty(),
        "no interval, no lateness: {:?}",
        label.findings
    );
}
