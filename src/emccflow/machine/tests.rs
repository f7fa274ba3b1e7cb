//! The flow fed with event sequences: several phones interleaved, retries,
//! stuck phones, failures. (The article's capture is covered end to end by
//! tests/emccflow.rs.)

use super::*;

/// A test time in seconds, written as a decimal for readability; exact to
/// the nanosecond for the values used here.
fn at(seconds: f64) -> NsTime {
    NsTime::new(0, (seconds * 1e9).round() as i64)
}

struct Script {
    flow: Flow,
    frame: u32,
}

impl Script {
    fn new(stuck_after: u32) -> Script {
        Script {
            flow: Flow::new(Config {
                stuck_after,
                ..Config::default()
            }),
            frame: 0,
        }
    }

    fn send(&mut self, time: f64, src: &str, dst: &str, message: Message) -> Option<Label> {
        self.frame += 1;
        let facts = FrameFacts {
            frame: self.frame,
            time: at(time),
            src: src.to_string(),
            dst: dst.to_string(),
            tcp: None,
            message: Some(message),
        };
        self.flow.observe(&facts).label
    }
}

fn register(expires: u32) -> Message {
    Message::SipRequest {
        method: "REGISTER".into(),
        event: None,
        expires: Some(expires),
        device: None,
        alarm: None,
        alarm_device: None,
    }
}

fn notify_restart() -> Message {
    Message::SipRequest {
        method: "NOTIFY".into(),
        event: Some("service-control".into()),
        expires: None,
        device: None,
        alarm: None,
        alarm_device: None,
    }
}

fn response(status: u32, method: &str) -> Message {
    Message::SipResponse {
        status,
        phrase: "OK".into(),
        method: method.into(),
    }
}

fn emapp(action: &str, device: &str) -> Message {
    Message::EmappRequest {
        action: action.into(),
        device: Some(device.into()),
        user: Some("user".into()),
    }
}

fn emapp_error(code: u32) -> Message {
    Message::EmappResponse {
        error_code: Some(code),
        error_text: None,
        object: None,
    }
}

fn download(kind: &str, result: Option<&str>) -> Message {
    Message::Download {
        file: format!("{kind}SEP000000000001.tlv"),
        kind: kind.into(),
        device: None,
        transport: "HTTP".into(),
        result: result.map(str::to_string),
        status: None,
    }
}

fn phase(label: &Option<Label>) -> Option<u32> {
    label.as_ref().map(|l| l.phase.number())
}

/// One phone's successful login, as (time, src, dst, message, expected phase).
fn login(
    phone: &str,
    vc: &str,
    hc: &str,
    device: &str,
) -> Vec<(f64, String, String, Message, u32)> {
    let up =
        |m: Message, server: &str, p: u32, t: f64| (t, phone.to_string(), server.to_string(), m, p);
    let down =
        |m: Message, server: &str, p: u32, t: f64| (t, server.to_string(), phone.to_string(), m, p);
    vec![
        up(register(3600), vc, 1, 0.0),
        down(response(200, "REGISTER"), vc, 1, 0.1),
        up(emapp("service-entry", device), vc, 2, 1.0),
        up(emapp("login-submit", device), vc, 2, 5.0),
        down(notify_restart(), vc, 3, 8.0),
        down(response(200, "NOTIFY"), vc, 3, 8.1), // phone answers: keyed the other way
        up(register(0), vc, 3, 8.5),
        down(response(200, "REGISTER"), vc, 3, 8.6),
        up(download("ITL", None), vc, 4, 9.0),
        down(download("ITL", Some("ok")), vc, 4, 9.1),
        up(download("ITL", None), hc, 5, 10.0),
        down(download("ITL", Some("ok")), hc, 5, 10.1),
        up(download("signed-config", None), hc, 6, 11.0),
        up(register(3600), hc, 7, 12.0),
        down(response(200, "REGISTER"), hc, 7, 12.2),
    ]
}

#[test]
fn interleaved_phones_each_follow_their_own_login() {
    let a = login("10.0.0.5", "10.1.1.1", "10.2.2.2", "SEP000000000005");
    let b: Vec<_> = login("10.0.0.6", "10.1.1.1", "10.3.3.3", "SEP000000000006")
        .into_iter()
        .map(|(t, s, d, m, p)| (t + 0.05, s, d, m, p))
        .collect();
    let mut events: Vec<_> = a.into_iter().chain(b).collect();
    events.sort_by(|x, y| x.0.total_cmp(&y.0));
    let mut script = Script::new(0);
    let mut completed = Vec::new();
    for (time, src, dst, message, expected) in events {
        // The NOTIFY's 200 goes phone -> cluster.
        let (src, dst) = match &message {
            Message::SipResponse { method, .. } if method == "NOTIFY" => (dst, src),
            _ => (src, dst),
        };
        let label = script.send(time, &src, &dst, message);
        assert_eq!(phase(&label), Some(expected), "{src} -> {dst} at {time}");
        let label = label.unwrap();
        if matches!(label.outcome, Some(Outcome::Completed { .. })) {
            completed.push((
                label.who.key.to_string(),
                label.who.home.as_deref().map(str::to_string),
            ));
        }
    }
    completed.sort();
    assert_eq!(
        completed,
        [
            ("10.0.0.5".to_string(), Some("10.2.2.2".to_string())),
            ("10.0.0.6".to_string(), Some("10.3.3.3".to_string())),
        ]
    );
}

#[test]
fn refused_login_then_retry_is_attempt_two() {
    let mut s = Script::new(0);
    let (phone, vc) = ("10.0.0.5", "10.1.1.1");
    s.send(0.0, phone, vc, register(3600));
    s.send(1.0, phone, vc, emapp("login-submit", "SEP1"));
    let refused = s.send(1.1, vc, phone, emapp_error(201)).unwrap();
    assert_eq!(refused.attempt, 1);
    assert!(matches!(
        refused.outcome,
        Some(Outcome::Failed {
            phase: Phase::Login,
            ..
        })
    ));
    assert_eq!(refused.findings[0].kind, FindingKind::LoginRefused);
    let retry = s
        .send(30.0, phone, vc, emapp("login-submit", "SEP1"))
        .unwrap();
    assert_eq!(retry.attempt, 2);
    assert_eq!(retry.elapsed(), Some(NsTime::ZERO));
}

#[test]
fn stuck_phase_is_reported_once() {
    let mut s = Script::new(30);
    let (phone, vc, hc) = ("10.0.0.5", "10.1.1.1", "10.2.2.2");
    s.send(0.0, phone, vc, emapp("login-submit", "SEP1"));
    s.send(1.0, vc, phone, notify_restart());
    s.send(2.0, phone, hc, download("ITL", None));
    let late = s.send(40.0, phone, hc, download("ITL", None)).unwrap();
    assert_eq!(late.findings.len(), 1, "{late:?}");
    assert_eq!(late.findings[0].kind, FindingKind::Stuck);
    let later = s.send(80.0, phone, hc, download("ITL", None)).unwrap();
    assert!(later.findings.is_empty());
}

#[test]
fn fallback_to_the_visiting_cluster_ends_the_attempt() {
    let mut s = Script::new(0);
    let (phone, vc, hc) = ("10.0.0.5", "10.1.1.1", "10.2.2.2");
    s.send(0.0, phone, vc, emapp("login-submit", "SEP1"));
    s.send(1.0, vc, phone, notify_restart());
    s.send(2.0, phone, vc, download("ITL", None));
    s.send(3.0, phone, hc, download("ITL", None));
    let back = s.send(20.0, phone, vc, register(3600)).unwrap();
    assert_eq!(back.phase, Phase::HomeTrust);
    assert_eq!(back.findings[0].kind, FindingKind::FellBack);
    assert!(matches!(back.outcome, Some(Outcome::Failed { .. })));
    s.send(20.1, vc, phone, response(200, "REGISTER"));
    // Registered on the visiting cluster again, out of the login.
    let refresh = s.send(200.0, phone, vc, register(3600)).unwrap();
    assert_eq!(refresh.phase, Phase::VisitingRegistration);
    assert_eq!(refresh.attempt, 2);
    assert_eq!(refresh.elapsed(), None);
}

#[test]
fn traffic_of_unknown_phones_is_left_alone() {
    let mut s = Script::new(0);
    assert!(s
        .send(0.0, "10.0.0.9", "10.1.1.1", download("ITL", None))
        .is_none());
    assert!(s
        .send(0.1, "10.1.1.1", "10.0.0.9", response(200, "REGISTER"))
        .is_none());
    assert!(s
        .send(
            0.2,
            "10.0.0.9",
            "10.1.1.1",
            Message::Tvs {
                event: "connect".into(),
                client: "10.0.0.9".into(),
                server: "10.1.1.1".into(),
                status: None,
            }
        )
        .is_none());
}

#[test]
fn address_lists_accept_commas_and_spaces() {
    let set = Config::addresses("10.0.0.1, 10.0.0.2  ,10.0.0.3\t10.0.0.4");
    assert_eq!(set.len(), 4);
    assert!(Config::addresses("  ").is_empty());
}

#[test]
fn closed_connections_are_forgotten() {
    let mut flow = Flow::new(Config::default());
    let frame =
        |n: u32, src: &str, dst: &str, syn: bool, fin: bool, message: Option<Message>| FrameFacts {
            frame: n,
            time: NsTime::from_secs(n),
            src: src.into(),
            dst: dst.into(),
            tcp: Some(Tcp {
                stream: 7,
                syn,
                fin,
                rst: false,
            }),
            message,
        };
    let (phone, vc) = ("10.0.0.5", "10.1.1.1");
    let first = flow.observe(&frame(1, phone, vc, true, false, None));
    assert!(first.label.is_none());
    let request = flow.observe(&frame(
        2,
        phone,
        vc,
        false,
        false,
        Some(emapp("service-entry", "SEP1")),
    ));
    assert_eq!(request.earlier.len(), 1, "the SYN is labelled now");
    assert!(flow
        .observe(&frame(3, vc, phone, false, true, None))
        .label
        .is_some());
    assert!(flow
        .observe(&frame(4, phone, vc, false, true, None))
        .label
        .is_some());
    assert!(flow
        .observe(&frame(5, vc, phone, false, false, None))
        .label
        .is_some());
    assert!(flow.streams.is_empty());
}

#[test]
fn cut_or_retried_tftp_transfers_are_not_a_verdict() {
    let mut s = Script::new(0);
    let (phone, vc, hc) = ("10.0.0.5", "10.1.1.1", "10.2.2.2");
    s.send(0.0, phone, vc, emapp("login-submit", "SEP1"));
    s.send(1.0, vc, phone, notify_restart());
    let tftp = |result: &str| Message::Download {
        file: "ITLSEP1.tlv".into(),
        kind: "ITL".into(),
        device: None,
        transport: "TFTP".into(),
        result: Some(result.into()),
        status: None,
    };
    for result in ["incomplete", "tftp-error"] {
        let label = s.send(2.0, hc, phone, tftp(result)).unwrap();
        assert!(label.outcome.is_none(), "{result}");
    }
    let missing = s.send(3.0, hc, phone, tftp("not-found")).unwrap();
    assert_eq!(missing.findings[0].kind, FindingKind::FilesUnavailable);
}

#[test]
fn other_applications_connections_stop_being_followed_but_labelled_ones_stay() {
    let mut flow = Flow::new(Config::default());
    let frame = |n: u32, stream: u32, syn: bool, message: Option<Message>| FrameFacts {
        frame: n,
        time: NsTime::from_secs(n),
        src: "10.0.0.5".into(),
        dst: "10.1.1.1".into(),
        tcp: Some(Tcp {
            stream,
            syn,
            fin: false,
            rst: false,
        }),
        message,
    };
    let tcp = |stream| Tcp {
        stream,
        syn: false,
        fin: false,
        rst: false,
    };
    // Stream 1: web browsing. Followed from its SYN, dropped at its request.
    flow.observe(&frame(1, 1, true, None));
    assert!(flow.follows(&tcp(1)));
    assert!(flow.not_ours(&tcp(1)));
    assert!(!flow.follows(&tcp(1)));
    // Stream 2: an EMApp connection, labelled; a later other request on it
    // (keep-alive) does not drop it.
    flow.observe(&frame(2, 2, true, None));
    flow.observe(&frame(3, 2, false, Some(emapp("service-entry", "SEP1"))));
    assert!(!flow.not_ours(&tcp(2)));
    assert!(flow.follows(&tcp(2)));
    // A stream never seen is not forgotten (nothing to forget).
    assert!(!flow.not_ours(&tcp(9)));
}

fn emservice(request: &str, device: &str) -> Message {
    Message::EmserviceRequest {
        request: request.into(),
        device: Some(device.into()),
        user: None,
    }
}

#[test]
fn em_api_queries_and_logouts_are_not_a_login() {
    // An application of the EM API asks EMService about a phone that is in no
    // login: neither its queries nor a logout, nor their answers, start one.
    let mut s = Script::new(0);
    for (time, request) in [
        (0.0, "deviceUserQuery"),
        (1.0, "userDevicesQuery"),
        (2.0, "logout"),
    ] {
        assert!(s
            .send(
                time,
                "10.0.0.50",
                "10.2.2.2",
                emservice(request, "SEP001122334455")
            )
            .is_none());
        let answer = Message::EmserviceResponse {
            result: None,
            error_code: Some(7),
        };
        assert!(s
            .send(time + 0.1, "10.2.2.2", "10.0.0.50", answer)
            .is_none());
    }
    // The requests of an EMCC login do (the phone's EMApp traffic may be
    // missing from a capture taken at the home cluster).
    let label = s.send(
        3.0,
        "10.1.1.1",
        "10.2.2.2",
        emservice("checkUser", "SEP001122334455"),
    );
    assert_eq!(phase(&label), Some(2));
}

/// The stuck limit is compared in whole nanoseconds: exactly 30 s in a phase
/// is not more than 30 s; a nanosecond more is.
#[test]
fn stuck_after_is_compared_exactly() {
    let mut s = Script::new(30);
    let (phone, vc, hc) = ("10.0.0.5", "10.1.1.1", "10.2.2.2");
    s.send(0.0, phone, vc, emapp("login-submit", "SEP1"));
    s.send(1.0, vc, phone, notify_restart());
    s.send(2.0, phone, hc, download("ITL", None));
    let on_time = s.send(32.0, phone, hc, download("ITL", None)).unwrap();
    assert!(on_time.findings.is_empty(), "{on_time:?}");
    let late = s
        .send(32.000000001, phone, hc, download("ITL", None))
        .unwrap();
    assert_eq!(late.findings.len(), 1, "{late:?}");
    assert!(
        late.findings[0].text.ends_with(" 30.0 s after entering it"),
        "{}",
        late.findings[0].text
    );
    assert_eq!(late.elapsed(), Some(NsTime::new(32, 1)));
}

mod sccp_phone {
    use super::*;
    use crate::skinny_messages::Sccp;

    const PHONE: &str = "10.0.0.7";
    const VC: &str = "10.1.1.1";
    const HC: &str = "10.2.2.2";

    fn skinny(m: Sccp) -> Message {
        Message::Sccp(m)
    }

    fn register() -> Message {
        skinny(Sccp::Register {
            device: Some("SEP000000000007".into()),
        })
    }

    fn ack() -> Message {
        skinny(Sccp::RegisterAck {
            keepalive: Some(30),
            secondary: Some(60),
        })
    }

    /// Phases 1 to 6 of an SCCP phone's login: Register, EMApp, Reset,
    /// Unregister, downloads.
    fn up_to_home_registration(s: &mut Script) {
        let steps = [
            (0.0, PHONE, VC, register(), 1),
            (0.1, VC, PHONE, ack(), 1),
            (1.0, PHONE, VC, emapp("login-submit", "SEP000000000007"), 2),
            (5.0, VC, PHONE, skinny(Sccp::Reset { kind: Some(2) }), 3),
            (5.1, PHONE, VC, skinny(Sccp::Unregister), 3),
            (5.2, VC, PHONE, skinny(Sccp::UnregisterAck), 3),
            (6.0, PHONE, VC, download("ITL", None), 4),
            (7.0, PHONE, HC, download("ITL", None), 5),
            (8.0, PHONE, HC, download("signed-config", None), 6),
        ];
        for (time, src, dst, message, expected) in steps {
            let label = s.send(time, src, dst, message);
            assert_eq!(phase(&label), Some(expected), "{src} -> {dst} at {time}");
        }
    }

    #[test]
    fn login_completes_with_the_home_register_ack() {
        let mut s = Script::new(0);
        up_to_home_registration(&mut s);
        let reg = s.send(9.0, PHONE, HC, register()).unwrap();
        assert_eq!(
            (reg.phase, reg.side),
            (Phase::HomeRegistration, Some(Side::Home))
        );
        assert_eq!(&*reg.step, steps::HOME_REGISTER);
        let done = s.send(9.1, HC, PHONE, ack()).unwrap();
        assert_eq!(done.phase, Phase::HomeRegistration);
        assert!(matches!(done.outcome, Some(Outcome::Completed { .. })));
        assert_eq!(done.who.device.as_deref(), Some("SEP000000000007"));
        assert_eq!(done.who.home.as_deref(), Some(HC));
    }

    #[test]
    fn reset_and_unregister_are_phase_3_in_words() {
        let mut s = Script::new(0);
        s.send(0.0, PHONE, VC, register());
        s.send(1.0, PHONE, VC, emapp("login-submit", "SEP1"));
        let reset = s
            .send(5.0, VC, PHONE, skinny(Sccp::Reset { kind: Some(2) }))
            .unwrap();
        assert_eq!(&*reset.step, steps::RESTART_RESET);
        let apply = s
            .send(5.05, VC, PHONE, skinny(Sccp::Reset { kind: Some(3) }))
            .unwrap();
        assert!(
            apply.step.ends_with("(SCCP Reset) (apply config)"),
            "{apply:?}"
        );
        let report = Message::SkinnyAlarm {
            alarm: "DeviceTLInfo".into(),
            device: Some("SEP1".into()),
        };
        let report = s.send(5.07, PHONE, VC, report).unwrap();
        assert_eq!(report.phase, Phase::Restart);
        assert_eq!(
            &*report.step,
            "Phone reports DeviceTLInfo to the visiting cluster (Skinny EnhancedAlarm)"
        );
        let unregister = s.send(5.1, PHONE, VC, skinny(Sccp::Unregister)).unwrap();
        assert_eq!(&*unregister.step, steps::UNREGISTER);
        let acked = s.send(5.2, VC, PHONE, skinny(Sccp::UnregisterAck)).unwrap();
        assert_eq!(
            &*acked.step,
            "The visiting cluster accepts the unregister (UnregisterAck)"
        );
    }

    #[test]
    fn register_reject_fails_the_login_then_fallback() {
        let mut s = Script::new(0);
        up_to_home_registration(&mut s);
        s.send(9.0, PHONE, HC, register());
        let text = "Unknown device".to_string();
        let rejected = s
            .send(9.1, HC, PHONE, skinny(Sccp::RegisterReject { text }))
            .unwrap();
        assert_eq!(rejected.findings[0].kind, FindingKind::RegisterRejected);
        assert_eq!(
            rejected.findings[0].text,
            "the home cluster rejected the registration: RegisterReject \"Unknown device\""
        );
        assert!(matches!(
            rejected.outcome,
            Some(Outcome::Failed {
                phase: Phase::HomeRegistration,
                ..
            })
        ));
        // The Alarm before the Register back on the visiting cluster: labelled
        // as that registration, the finding left to the Register.
        let text = "24: Name=SEP000000000007 Load= SCCP41.9-4-2SR3-1S Last=Phone-Reg-Rej";
        let alarm = s
            .send(11.9, PHONE, VC, skinny(Sccp::Alarm { text: text.into() }))
            .unwrap();
        assert_eq!(alarm.phase, Phase::HomeRegistration);
        assert_eq!(
            &*alarm.step,
            "Phone tells the visiting cluster why it last restarted, before registering (Alarm: cause 24, Phone-Reg-Rej)"
        );
        assert!(alarm.findings.is_empty() && alarm.outcome.is_none());
        let back = s.send(12.0, PHONE, VC, register()).unwrap();
        assert_eq!(back.phase, Phase::HomeRegistration);
        assert_eq!(&*back.step, steps::FALLBACK_REGISTER);
        assert_eq!(back.findings[0].kind, FindingKind::FellBack);
    }

    #[test]
    fn keepalives_and_answers_to_nothing_are_not_steps() {
        let mut s = Script::new(0);
        // A phone's first message, its Alarm, is the start of phase 1.
        let alarm = Sccp::Alarm {
            text: "25: Name=SEP000000000007 Load= x Last=Initialized".into(),
        };
        assert_eq!(phase(&s.send(0.0, PHONE, VC, skinny(alarm))), Some(1));
        s.send(0.0, PHONE, VC, register());
        assert!(s.send(30.0, PHONE, VC, skinny(Sccp::KeepAlive)).is_none());
        // An acknowledgement of a Register the flow never saw.
        assert!(s.send(31.0, HC, PHONE, ack()).is_none());
    }

    #[test]
    fn logout_by_reset_from_the_home_cluster() {
        let mut s = Script::new(0);
        up_to_home_registration(&mut s);
        s.send(9.0, PHONE, HC, register());
        s.send(9.1, HC, PHONE, ack());
        let reset = s
            .send(600.0, HC, PHONE, skinny(Sccp::Reset { kind: Some(2) }))
            .unwrap();
        assert_eq!(reset.phase, Phase::Logout);
        assert_eq!(&*reset.step, steps::LOGOUT_RESET);
        s.send(600.1, PHONE, HC, skinny(Sccp::Unregister));
        s.send(600.2, HC, PHONE, skinny(Sccp::UnregisterAck));
        let back = s.send(610.0, PHONE, VC, register()).unwrap();
        assert_eq!(back.phase, Phase::Logout);
        let done = s.send(610.1, VC, PHONE, ack()).unwrap();
        assert!(matches!(done.outcome, Some(Outcome::Completed { .. })));
        assert_eq!(done.kind, Kind::Logout);
    }
}
