//! Attempts, phases, labels and the SIP transactions they are remembered by.

use super::*;

impl Flow {
    pub(super) fn start_attempt(&mut self, key: &str, kind: Kind, time: NsTime, phase: Phase) {
        if let Some(phone) = self.phones.get_mut(key) {
            phone.attempts += 1;
            phone.tail = None;
            phone.current = Some(Attempt {
                number: phone.attempts,
                kind,
                start: time,
                phase,
                phase_since: time,
                stuck_reported: false,
                failed: false,
            });
        }
    }

    /// Moves the attempt on (never back: a late answer keeps its own label).
    pub(super) fn enter_phase(&mut self, key: &str, phase: Phase, time: NsTime) {
        if let Some(Some(a)) = self.phones.get_mut(key).map(|p| p.current.as_mut()) {
            if phase > a.phase && !a.failed {
                a.phase = phase;
                a.phase_since = time;
                a.stuck_reported = false;
            }
        }
    }

    pub(super) fn fail_current(&mut self, key: &str) {
        if let Some(Some(a)) = self.phones.get_mut(key).map(|p| p.current.as_mut()) {
            a.failed = true;
        }
    }

    /// The outcome to record, unless the attempt already failed earlier.
    pub(super) fn failure_outcome(
        &self,
        key: &str,
        phase: Phase,
        reason: &str,
        code: Option<u32>,
    ) -> Option<Outcome> {
        let attempt = self.phones.get(key)?.current.as_ref()?;
        (!attempt.failed).then(|| Outcome::Failed {
            phase,
            reason: reason.to_string(),
            code,
        })
    }

    pub(super) fn finish(&mut self, key: &str, f: &FrameFacts, logged_in: bool) {
        let Some(phone) = self.phones.get_mut(key) else {
            return;
        };
        if let Some(a) = phone.current.take() {
            phone.tail = Some(Tail {
                number: a.number,
                kind: a.kind,
                phase: a.phase,
                start: a.start,
                server: f.src.as_str().into(),
                until: f.time.plus_secs(SETTLE_SECONDS),
            });
        }
        phone.logged_in = logged_in;
    }

    pub(super) fn add_home(&mut self, key: &str, server: &str) {
        if let Some(phone) = self.phones.get_mut(key) {
            if !phone.home.iter().any(|h| **h == *server) && phone.home.len() < 8 {
                phone.home.push(server.into());
            }
        }
    }

    pub(super) fn check_stuck(&mut self, label: &mut Label) {
        let limit = self.config.stuck_after;
        if limit == 0 {
            return;
        }
        let Some(Some(a)) = self
            .phones
            .get_mut(&*label.who.key)
            .map(|p| p.current.as_mut())
        else {
            return;
        };
        if a.failed || a.stuck_reported || a.phase != label.phase {
            return;
        }
        let waited = label.time.since(a.phase_since);
        if waited > NsTime::from_secs(limit) {
            a.stuck_reported = true;
            label.findings.push(Finding {
                kind: FindingKind::Stuck,
                text: format!(
                    "still in phase {} ({}) {} s after entering it",
                    a.phase.number(),
                    a.phase.name(),
                    waited.decimals(1)
                ),
            });
        }
    }

    pub(super) fn label(
        &self,
        key: &str,
        f: &FrameFacts,
        phase: Phase,
        side: Option<Side>,
        step: String,
    ) -> Label {
        let phone = self.phones.get_key_value(key);
        let (attempt, kind, start) = match phone.map(|(_, p)| p) {
            Some(p) => match (&p.current, &p.tail) {
                (Some(a), _) => (a.number, a.kind, Some(a.start)),
                (None, Some(t)) if phase != Phase::VisitingRegistration => {
                    (t.number, t.kind, Some(t.start))
                }
                _ => (p.attempts + 1, Kind::Login, None),
            },
            None => (1, Kind::Login, None),
        };
        let who = match phone {
            Some((key, p)) => p.who(key),
            None => Arc::new(Who {
                key: Text::from(key),
                ..Who::default()
            }),
        };
        Label {
            who,
            phase,
            side,
            step: step.into(),
            attempt,
            kind,
            attempt_start: start,
            time: f.time,
            findings: Vec::new(),
            outcome: None,
            arrow: None,
        }
    }

    pub(super) fn remember_transaction(
        &mut self,
        f: &FrameFacts,
        label: &Label,
        method: &str,
        purpose: Purpose,
    ) {
        let key = (f.src.clone(), f.dst.clone(), method.to_string());
        if self.transactions.len() >= MAX_TRANSACTIONS && !self.transactions.contains_key(&key) {
            return;
        }
        self.transactions.insert(
            key,
            Transaction {
                key: label.who.key.clone(),
                phase: label.phase,
                side: label.side,
                attempt: label.attempt,
                kind: label.kind,
                start: label.attempt_start,
                purpose,
            },
        );
    }
}
