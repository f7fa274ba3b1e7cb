//! Every capture this tool writes: the lab login, and variants built from the same lab
//! builder with one outcome changed, plus the logout and a short-snaplen copy.

use crate::capture::Capture;
use crate::clock::secs;
use crate::downloads::HomeTrust;
use crate::emapp_flow::LoginOutcome;
use crate::lab::Lab;
use crate::registration::RegisterOutcome;
use crate::scenario::{self, LabOptions, ARTICLE};
use crate::tvs::TvsOutcome;

pub struct Spec {
    pub name: &'static str,
    pub about: &'static str,
    pub build: fn() -> Capture,
}

pub const ALL: &[Spec] = &[
    Spec {
        name: "emcc-lab-login",
        about: "The article's EMCC login: VC registration, EMApp login, restart, VC and HC trust/config downloads, TVS, HC registration",
        build: lab_login,
    },
    Spec {
        name: "emcc-login-refused",
        about: "EMApp answers the login submit with error 201 (authentication); the phone stays on the visiting cluster",
        build: login_refused,
    },
    Spec {
        name: "emcc-home-unknown-user",
        about: "Captured on the VC: EMApp login plus the VC-to-HC EMService checkUser over HTTP, answered error 23 (user does not exist)",
        build: home_unknown_user,
    },
    Spec {
        name: "emcc-ctl-itl-unavailable",
        about: "The home cluster's CTL and ITL both fail (HTTP 503, TFTP File not found); the login stalls, the phone re-registers with the VC",
        build: ctl_itl_unavailable,
    },
    Spec {
        name: "emcc-tvs-reset",
        about: "The visiting cluster's TVS resets the TLS session instead of answering; the phone re-registers with the VC",
        build: tvs_reset,
    },
    Spec {
        name: "emcc-tvs-no-response",
        about: "The TVS request gets no answer for 10 s; the phone closes with FIN and re-registers with the VC",
        build: tvs_no_response,
    },
    Spec {
        name: "emcc-home-register-rejected",
        about: "Full login, but the home cluster answers the REGISTER 403 Forbidden; the phone falls back to the VC",
        build: home_register_rejected,
    },
    Spec {
        name: "emcc-lab-logout",
        about: "Logout of the EMCC user: EMApp doLogout on the VC, restart NOTIFY from the HC, unregister, VC downloads, registration back on the VC",
        build: lab_logout,
    },
    Spec {
        name: "emcc-lab-truncated",
        about: "The lab login written with a 160-byte snapshot length (original lengths kept)",
        build: lab_truncated,
    },
    Spec {
        name: "ciscoalarm-udp",
        about: "Seed 002's DeviceTLInfo alarm REFER over SIP/UDP (another lab's phone), answered 202",
        build: crate::udp_alarms::alarm_over_udp,
    },
    Spec {
        name: "ciscoalarm-udp-truncated",
        about: "The same alarm REFER with a 1100-byte snapshot length that cuts the alarm body",
        build: crate::udp_alarms::alarm_over_udp_cut,
    },
    Spec {
        name: "ciscoalarm-skinny",
        about: "An SCCP phone's DeviceTLInfo alarm in Skinny message 0x015A (XMLAlarmMessage) on TCP 2000",
        build: crate::skinny::xml_alarm,
    },
    Spec {
        name: "emcc-malformed",
        about: "EMApp/EMService exchanges with bad escapes, non-UTF-8, huge and repeated parameters, broken and cut XML, undocumented error codes",
        build: crate::emcc_malformed::malformed,
    },
    Spec {
        name: "emcc-login-refusals",
        about: "The lab phone's login submit refused once per error family: EMService 31 and 35, EMApp 208 and 202",
        build: crate::emcc_refusals::refusals,
    },
    Spec {
        name: "emcc-em-api",
        about: "An EM API application's queries to EMService (userDeviceProfileQuery, deviceUserQuery, userDevicesQuery) answered as Cisco's EM API guide shows, then errors 2 and 7",
        build: crate::emcc_em_api::em_api,
    },
    Spec {
        name: "ciscotl-malformed",
        about: "Trust lists and a signed config served with HTTP 200 but broken: cut short, a zero-length record, an unknown tag, a web page, XML cut mid-way",
        build: crate::trust_malformed::malformed,
    },
    Spec {
        name: "ciscotl-tftp",
        about: "Files over TFTP from the home cluster: CTL fallback after HTTP 503, ITL with blksize (OACK), signed config aborted by an error then complete, a missed block, a capture ending mid-transfer",
        build: crate::tftp_bodies::ciscotl_tftp,
    },
    Spec {
        name: "ciscoalarm-seed002",
        about: "Both seed 002 alarms over SIP/UDP (the 1.7 kB one as IPv4 fragments), then DeviceTLInfo with a changed ITL, then unchanged",
        build: crate::alarm_variants::seed002,
    },
    Spec {
        name: "ciscoalarm-multipart",
        about: "Alarm REFERs with multipart/mixed bodies: alarm + text/plain, then two alarms",
        build: crate::alarm_variants::multipart,
    },
    Spec {
        name: "ciscoalarm-malformed",
        about: "One alarm REFER per malformed body (truncated, bad tags, encodings, limits, bad values), each answered 202",
        build: crate::alarm_variants::malformed,
    },
    Spec {
        name: "ciscotvs-decrypted",
        about: "Four TVS sessions really encrypted, with their TLS key log in the capture: verify valid, verify invalid, query-certificate (response over two records), malformed messages",
        build: crate::tvs_decrypted::decrypted,
    },
    Spec {
        name: "ciscotvs-many-records",
        about: "One TVS session (no keys) whose request and response are each 20 TLS application-data records in one TCP segment",
        build: crate::tvs_many_records::many_records,
    },
    Spec {
        name: "emcc-multi-phone",
        about: "Six phones on another site (10.20.5.x, VC 10.20.0.10, HCs 10.30.0.10 and 10.40.0.10) interleaved: logins (one caught mid-flow), a 201 refusal, CTL/ITL unavailable, TVS reset, a logout; flow: comments give each message's phase",
        build: crate::multi_phone::multi_phone,
    },
    Spec {
        name: "emcc-sccp",
        about: "Four SCCP phones (10.20.6.x, VC 10.20.0.10) registering in Skinny on TCP 2000, interleaved: logins (one caught mid-flow at its Reset), a RegisterReject from the home cluster then fallback to the VC, a logout; flow: comments give each message's phase",
        build: crate::emcc_sccp::emcc_sccp,
    },
];

fn with(change: impl FnOnce(&mut LabOptions)) -> LabOptions {
    let mut o = ARTICLE;
    change(&mut o);
    o
}

fn lab_login() -> Capture {
    scenario::run(&ARTICLE).finish()
}

fn login_refused() -> Capture {
    scenario::run(&with(|o| o.login = LoginOutcome::AuthenticationError)).finish()
}

fn home_unknown_user() -> Capture {
    scenario::run(&with(|o| o.login = LoginOutcome::UnknownHomeUser)).finish()
}

/// A failed login ends with the phone back on the visiting cluster.
fn fell_back(options: LabOptions) -> Capture {
    let mut lab = Lab::new(scenario::SEED_LABEL);
    scenario::run_to_the_end(&mut lab, &options);
    lab.finish()
}

fn ctl_itl_unavailable() -> Capture {
    fell_back(with(|o| o.home_trust = HomeTrust::CtlAndItlUnavailable))
}

fn tvs_reset() -> Capture {
    fell_back(with(|o| o.tvs = TvsOutcome::Reset))
}

fn tvs_no_response() -> Capture {
    fell_back(with(|o| o.tvs = TvsOutcome::NoResponse))
}

fn home_register_rejected() -> Capture {
    fell_back(with(|o| o.home_register = RegisterOutcome::Forbidden))
}

/// An hour after the lab login, the user logs out: the phone starts registered with the
/// home cluster on the connection the login opened.
fn lab_logout() -> Capture {
    let mut lab = Lab::new("emcc-logout");
    scenario::logout(&mut lab, secs(3_600));
    lab.finish()
}

fn lab_truncated() -> Capture {
    let mut cap = lab_login();
    cap.snaplen = 160;
    cap
}
