//! `tshark -z ciscoreg` and `-z ciscoreg,json`: every phone's registration
//! health, built from the frames' labels as the tap hands them over.
//!
//! The JSON document's schema (documented in the README; `schema` changes
//! when a field changes meaning):
//! `{"schema": 1, "phones": [{"device", "signalling", "ip", "primary",
//! "backup", "registrations", "refreshes", "keepalives", "cucms": [...],
//! "restarts": [...], "findings": [{"kind", "frame", "text"}],
//! "verdict"}]}`.

use std::collections::HashMap;
use std::fmt::Write;

use crate::json::{json_opt, json_str};

use super::facts::{Restart, Signalling};
use super::label::{Event, FindingKind, RegLabel, Role, Text};
use crate::ciscoalarm::codes::{lookup, RESTART_CAUSES};
use crate::nstime::NsTime;

pub const SCHEMA: u32 = 1;

#[derive(Default)]
pub struct Report {
    phones: Vec<PhoneReport>,
    index: HashMap<Text, usize>,
    /// The time of the last registration frame seen: the end of what the
    /// report can speak for.
    last_time: Option<NsTime>,
}

struct PhoneReport {
    phone: Text,
    device: Option<Text>,
    signalling: Signalling,
    cucms: Vec<CucmReport>,
    restarts: Vec<(u32, Restart)>,
    findings: Vec<(u32, FindingKind, String)>,
    /// Where a CUCM reset or closed the phone's connection.
    dropped: Option<(u32, Text)>,
    /// Where the phone's unregister was acknowledged.
    unregistered: Option<u32>,
}

#[derive(Default)]
struct CucmReport {
    cucm: Text,
    role: Option<Role>,
    registrations: u32,
    refreshes: u32,
    keepalives: u32,
    acknowledged: u32,
    rejected: u32,
    rejection: Option<String>,
    intervals: Intervals,
    granted: Option<u32>,
    registered: bool,
    /// The capture shows this CUCM's registration state: a registration,
    /// refresh, rejection, unregister or drop was seen (keepalives alone do
    /// not say: a phone keeps its secondary alive without registering).
    state_seen: bool,
    /// The last register, refresh or keepalive.
    last_renewal: Option<NsTime>,
}

#[derive(Default)]
struct Intervals {
    count: u32,
    min: Option<NsTime>,
    max: Option<NsTime>,
    /// Nanoseconds, summed.
    total: i128,
}

impl Intervals {
    fn add(&mut self, interval: NsTime) {
        self.count += 1;
        self.min = Some(self.min.map_or(interval, |m| m.min(interval)));
        self.max = Some(self.max.map_or(interval, |m| m.max(interval)));
        self.total += i128::from(interval.secs()) * 1_000_000_000 + i128::from(interval.nsecs());
    }

    fn mean(&self) -> Option<NsTime> {
        if self.count == 0 {
            return None;
        }
        let mean = self.total / i128::from(self.count);
        let secs = i64::try_from(mean / 1_000_000_000).unwrap_or(i64::MAX);
        Some(NsTime::new(secs, (mean % 1_000_000_000) as i64))
    }
}

impl Report {
    pub fn clear(&mut self) {
        *self = Report::default();
    }

    pub fn add(&mut self, frame: u32, label: &RegLabel) {
        self.last_time = Some(self.last_time.map_or(label.time, |t| t.max(label.time)));
        let i = match self.index.get(&label.phone) {
            Some(&i) => i,
            None => {
                self.phones.push(PhoneReport {
                    phone: label.phone.clone(),
                    device: None,
                    signalling: label.signalling,
                    cucms: Vec::new(),
                    restarts: Vec::new(),
                    findings: Vec::new(),
                    dropped: None,
                    unregistered: None,
                });
                self.index
                    .insert(label.phone.clone(), self.phones.len() - 1);
                self.phones.len() - 1
            }
        };
        let phone = &mut self.phones[i];
        if label.device.is_some() {
            phone.device = label.device.clone();
        }
        if let Some(restart) = &label.restart {
            phone.restarts.push((frame, restart.clone()));
        }
        for event in &label.events {
            let c = match phone.cucms.iter().position(|c| c.cucm == event.cucm) {
                Some(c) => c,
                None => {
                    phone.cucms.push(CucmReport {
                        cucm: event.cucm.clone(),
                        ..CucmReport::default()
                    });
                    phone.cucms.len() - 1
                }
            };
            let cucm = &mut phone.cucms[c];
            if event.role.is_some() {
                cucm.role = event.role;
            }
            if let Some(interval) = event.interval {
                cucm.intervals.add(interval);
            }
            if !matches!(
                event.event,
                Event::Keepalive | Event::KeepaliveAck | Event::Alarm | Event::Trying
            ) {
                cucm.state_seen = true;
            }
            match event.event {
                Event::Register => {
                    cucm.registrations += 1;
                    cucm.last_renewal = Some(label.time);
                }
                Event::Refresh => {
                    cucm.refreshes += 1;
                    cucm.last_renewal = Some(label.time);
                }
                Event::Keepalive => {
                    cucm.keepalives += 1;
                    cucm.last_renewal = Some(label.time);
                }
                Event::KeepaliveAck => cucm.acknowledged += 1,
                Event::Registered => {
                    cucm.registered = true;
                    if event.expires.is_some() {
                        cucm.granted = event.expires;
                    }
                    // Registered with one CUCM at a time.
                    for (other, o) in phone.cucms.iter_mut().enumerate() {
                        if other != c {
                            o.registered = false;
                        }
                    }
                    phone.dropped = None;
                    phone.unregistered = None;
                }
                Event::Rejected => {
                    cucm.rejected += 1;
                    cucm.registered = false;
                }
                Event::Unregistered => {
                    cucm.registered = false;
                    phone.unregistered = Some(frame);
                }
                Event::Reset | Event::Closed => {
                    if label
                        .findings
                        .iter()
                        .any(|f| f.kind == FindingKind::Unregistered)
                    {
                        cucm.registered = false;
                        phone.dropped = Some((frame, event.cucm.clone()));
                    }
                }
                Event::Trying | Event::Challenged | Event::Unregister | Event::Alarm => {}
            }
        }
        for finding in &label.findings {
            if finding.kind == FindingKind::Rejected {
                if let Some(cucm) = label
                    .events
                    .first()
                    .and_then(|e| phone.cucms.iter_mut().find(|c| c.cucm == e.cucm))
                {
                    cucm.rejection = Some(finding.text.clone());
                }
            }
            phone
                .findings
                .push((frame, finding.kind, finding.text.clone()));
        }
    }

    fn role_address(phone: &PhoneReport, role: Role) -> Option<&str> {
        phone
            .cucms
            .iter()
            .find(|c| c.role == Some(role))
            .map(|c| &*c.cucm)
    }

    /// The phone's state in one line, the worst first.
    fn verdict(&self, phone: &PhoneReport) -> String {
        let count = |kind| phone.findings.iter().filter(|f| f.1 == kind).count();
        let registered: Vec<&CucmReport> = phone.cucms.iter().filter(|c| c.registered).collect();
        if registered.is_empty() {
            if let Some(c) = phone.cucms.iter().find(|c| c.rejected > 0) {
                return format!(
                    "never registered: rejected by {} ({} time{})",
                    c.cucm,
                    c.rejected,
                    plural(c.rejected)
                );
            }
        }
        if count(FindingKind::Loop) > 0 {
            return format!(
                "registration loop: {} fresh registrations, {} of them too close together",
                phone.cucms.iter().map(|c| c.registrations).sum::<u32>(),
                count(FindingKind::Loop)
            );
        }
        if let Some((frame, cucm)) = &phone.dropped {
            return format!("dropped by CUCM {cucm} at frame {frame} and not registered again");
        }
        if let Some(frame) = phone.unregistered.filter(|_| registered.is_empty()) {
            return format!("unregistered by the phone at frame {frame}");
        }
        if let Some(&(frame, _, _)) = phone.findings.iter().find(|f| f.1 == FindingKind::Failover) {
            let now = registered
                .first()
                .map(|c| format!("; registered with {}", c.cucm))
                .unwrap_or_default();
            return format!("failed over to its backup at frame {frame}{now}");
        }
        if let Some(lapsed) = registered.iter().find_map(|c| self.lapsed(c)) {
            return lapsed;
        }
        let missed = count(FindingKind::Missed);
        if let Some(c) = registered.first() {
            if missed > 0 {
                return format!(
                    "registered with {}, but {missed} keepalive{} or refresh{} missed or late",
                    c.cucm,
                    plural(missed as u32),
                    if missed == 1 { "" } else { "es" }
                );
            }
            let role = c
                .role
                .map(|r| format!(" ({})", r.as_str()))
                .unwrap_or_default();
            return format!(
                "registered with {}{role}; refreshes and keepalives on time",
                c.cucm
            );
        }
        if phone
            .cucms
            .iter()
            .any(|c| c.registrations + c.refreshes > 0)
        {
            return "registration not answered in this capture".to_string();
        }
        "no registration seen (keepalives only)".to_string()
    }

    /// A SIP registration whose grant ran out before the capture's last
    /// registration frame, without a refresh.
    fn lapsed(&self, cucm: &CucmReport) -> Option<String> {
        let (last, granted, end) = (cucm.last_renewal?, cucm.granted?, self.last_time?);
        if cucm.keepalives > 0 && cucm.refreshes == 0 {
            return None;
        }
        let expiry = last.plus_secs(granted);
        (expiry < end).then(|| {
            format!(
                "registration with {} lapsed: no refresh within the {granted} s granted \
                 (the capture goes on {} s past the expiry)",
                cucm.cucm,
                end.since(expiry).decimals(0)
            )
        })
    }

    pub fn render_text(&self) -> String {
        let mut out = String::new();
        let sip = self
            .phones
            .iter()
            .filter(|p| p.signalling == Signalling::Sip)
            .count();
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "==================================================================="
        );
        let _ = writeln!(out, "Cisco Phone Registrations");
        let _ = writeln!(
            out,
            "{} phone{}: {sip} SIP, {} SCCP",
            self.phones.len(),
            plural(self.phones.len() as u32),
            self.phones.len() - sip
        );
        for phone in &self.phones {
            let _ = writeln!(out);
            let _ = writeln!(
                out,
                "{}  {}  {}",
                phone.device.as_deref().unwrap_or("(device unknown)"),
                phone.signalling.as_str(),
                phone.phone
            );
            for cucm in &phone.cucms {
                let _ = writeln!(out, "  {}", cucm_line(cucm, registered_state(phone, cucm)));
            }
            for (frame, restart) in &phone.restarts {
                let _ = writeln!(
                    out,
                    "  Restart cause at frame {frame}: {}",
                    restart_text(restart)
                );
            }
            for (frame, kind, text) in &phone.findings {
                let _ = writeln!(out, "  Frame {frame} {}: {text}", kind.as_str());
            }
            let _ = writeln!(out, "  Verdict: {}", self.verdict(phone));
        }
        let _ = writeln!(
            out,
            "==================================================================="
        );
        out
    }

    pub fn render_json(&self) -> String {
        let mut out = String::new();
        let _ = write!(out, "{{\"schema\": {SCHEMA}, \"phones\": [");
        for (n, phone) in self.phones.iter().enumerate() {
            if n > 0 {
                out.push(',');
            }
            out.push_str("\n  {");
            let _ = write!(
                out,
                "\"device\": {}, \"signalling\": {}, \"ip\": {}, \"primary\": {}, \
                 \"backup\": {}, ",
                json_opt(phone.device.as_deref()),
                json_str(phone.signalling.as_str()),
                json_str(&phone.phone),
                json_opt(Self::role_address(phone, Role::Primary)),
                json_opt(Self::role_address(phone, Role::Backup)),
            );
            let sum = |f: fn(&CucmReport) -> u32| phone.cucms.iter().map(f).sum::<u32>();
            let _ = write!(
                out,
                "\"registrations\": {}, \"refreshes\": {}, \"keepalives\": {}, \"cucms\": [",
                sum(|c| c.registrations),
                sum(|c| c.refreshes),
                sum(|c| c.keepalives)
            );
            for (m, cucm) in phone.cucms.iter().enumerate() {
                if m > 0 {
                    out.push_str(", ");
                }
                let _ = write!(
                    out,
                    "{{\"address\": {}, \"role\": {}, \"registrations\": {}, \"refreshes\": {}, \
                     \"keepalives\": {}, \"acknowledged\": {}, \"rejected\": {}, \
                     \"granted\": {}, \"interval\": {}, \"registered\": {}}}",
                    json_str(&cucm.cucm),
                    json_opt(cucm.role.map(Role::as_str)),
                    cucm.registrations,
                    cucm.refreshes,
                    cucm.keepalives,
                    cucm.acknowledged,
                    cucm.rejected,
                    cucm.granted.map_or("null".to_string(), |g| g.to_string()),
                    json_intervals(&cucm.intervals),
                    registered_state(phone, cucm).map_or("null".to_string(), |r| r.to_string())
                );
            }
            out.push_str("], \"restarts\": [");
            for (m, (frame, restart)) in phone.restarts.iter().enumerate() {
                if m > 0 {
                    out.push_str(", ");
                }
                let _ = write!(
                    out,
                    "{{\"frame\": {frame}, \"code\": {}, \"cause\": {}, \"last\": {}}}",
                    restart.code.map_or("null".to_string(), |c| c.to_string()),
                    json_opt(restart.code.and_then(|c| lookup(RESTART_CAUSES, c))),
                    json_opt(restart.last.as_deref())
                );
            }
            out.push_str("], \"findings\": [");
            for (m, (frame, kind, text)) in phone.findings.iter().enumerate() {
                if m > 0 {
                    out.push_str(", ");
                }
                let _ = write!(
                    out,
                    "{{\"kind\": {}, \"frame\": {frame}, \"text\": {}}}",
                    json_str(kind.as_str()),
                    json_str(text)
                );
            }
            let _ = write!(out, "], \"verdict\": {}}}", json_str(&self.verdict(phone)));
        }
        out.push_str(if self.phones.is_empty() {
            "]}\n"
        } else {
            "\n]}\n"
        });
        out
    }
}

fn plural(n: u32) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// Whether the phone is registered with this CUCM at the end of the
/// capture; None when the capture does not say: SCCP keepalives only, and no
/// other CUCM holds the registration (the phone may have registered there
/// before the capture, or keep that CUCM as its secondary). A SIP keepalive
/// says it: a REGISTER with `Expires: 0` registers nothing (seeds/004).
fn registered_state(phone: &PhoneReport, cucm: &CucmReport) -> Option<bool> {
    if cucm.registered {
        Some(true)
    } else if cucm.state_seen
        || phone.signalling == Signalling::Sip
        || phone.cucms.iter().any(|c| c.registered)
    {
        Some(false)
    } else {
        None
    }
}

/// "10.0.0.11 primary: 1 registration, 3 refreshes every 115.0 s (114.9 to 115.2), granted 120 s; registered".
fn cucm_line(cucm: &CucmReport, registered: Option<bool>) -> String {
    let mut parts = Vec::new();
    for (n, what) in [
        (cucm.registrations, "registration"),
        (cucm.refreshes, "refresh"),
        (cucm.keepalives, "keepalive"),
    ] {
        if n > 0 {
            let s = if what == "refresh" { "es" } else { "s" };
            parts.push(format!("{n} {what}{}", if n == 1 { "" } else { s }));
        }
    }
    let mut line = format!(
        "{} {}: {}",
        cucm.cucm,
        cucm.role.map_or("(role unknown)", Role::as_str),
        if parts.is_empty() {
            "answers only".to_string()
        } else {
            parts.join(", ")
        }
    );
    if let (Some(mean), Some(min), Some(max)) = (
        cucm.intervals.mean(),
        cucm.intervals.min,
        cucm.intervals.max,
    ) {
        let _ = write!(
            line,
            ", every {} s ({} to {})",
            mean.decimals(1),
            min.decimals(1),
            max.decimals(1)
        );
    }
    if let Some(granted) = cucm.granted {
        let _ = write!(line, ", granted {granted} s");
    }
    if cucm.keepalives > 0 {
        let _ = write!(line, ", {} acknowledged", cucm.acknowledged);
    }
    if cucm.rejected > 0 {
        let _ = write!(
            line,
            ", rejected {} time{}",
            cucm.rejected,
            plural(cucm.rejected)
        );
    }
    line.push_str(match registered {
        Some(true) => "; registered",
        Some(false) => "; not registered",
        None => "; registration not in the capture",
    });
    line
}

fn restart_text(restart: &Restart) -> String {
    let mut text = match restart.code {
        Some(code) => match lookup(RESTART_CAUSES, code) {
            Some(name) => format!("{code} ({name})"),
            None => format!("{code} (unknown)"),
        },
        None => "no code".to_string(),
    };
    if let Some(last) = &restart.last {
        let _ = write!(text, ", Last={last}");
    }
    text
}

fn json_intervals(intervals: &Intervals) -> String {
    match (intervals.mean(), intervals.min, intervals.max) {
        (Some(mean), Some(min), Some(max)) => format!(
            "{{\"count\": {}, \"min\": {}, \"max\": {}, \"mean\": {}}}",
            intervals.count,
            min.decimals(3),
            max.decimals(3),
            mean.decimals(3)
        ),
        _ => "null".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keepalives_alone_do_not_say_whether_the_phone_is_registered() {
        let link = |registered, state_seen| CucmReport {
            cucm: "10.0.0.11".into(),
            keepalives: 3,
            registered,
            state_seen,
            ..CucmReport::default()
        };
        let phone = |cucms| PhoneReport {
            phone: "10.0.0.5".into(),
            device: None,
            signalling: Signalling::Sccp,
            cucms,
            restarts: Vec::new(),
            findings: Vec::new(),
            dropped: None,
            unregistered: None,
        };
        // Keepalives only, to one CUCM: from before the capture, or a secondary.
        let alone = phone(vec![link(false, false)]);
        assert_eq!(registered_state(&alone, &alone.cucms[0]), None);
        assert!(cucm_line(&alone.cucms[0], None).ends_with("; registration not in the capture"));
        // A SIP keepalive (Expires: 0) registers nothing.
        let sip = PhoneReport {
            signalling: Signalling::Sip,
            ..phone(vec![link(false, false)])
        };
        assert_eq!(registered_state(&sip, &sip.cucms[0]), Some(false));
        // Registered with another CUCM: this one is the secondary.
        let standby = phone(vec![link(true, true), link(false, false)]);
        assert_eq!(registered_state(&standby, &standby.cucms[1]), Some(false));
        assert_eq!(registered_state(&standby, &standby.cucms[0]), Some(true));
        // Unregistered, rejected or dropped there: known.
        let dropped = phone(vec![link(false, true)]);
        assert_eq!(registered_state(&dropped, &dropped.cucms[0]), Some(false));
    }
}
