//! Registrations (SIP REGISTER, Skinny Register and Unregister), the
//! restart order (SIP NOTIFY, Skinny Reset), REFERs and the answers to them.

use super::*;

impl Flow {
    /// What a registration request from this phone to `p.server` is in its
    /// login or logout, decided from the flow's state alone (nothing
    /// changes): `on_register` acts on it, and an SCCP phone's Alarm, sent
    /// just before its Register, is labelled by it.
    pub(super) fn registration_case(&self, p: &Parties, request: &Registering) -> RegisterCase {
        let Some(phone) = self.phones.get(&p.key) else {
            return RegisterCase::Ignored;
        };
        let to_visiting = self.is_visiting(phone, &p.server);
        let back_home = phone.logged_in && self.is_home(phone, &p.server);
        match (&phone.current, request.unregister) {
            // During the login and restart, a REGISTER to the visiting cluster
            // whose Expires was cut off (short snaplen) is the unregister.
            (Some(a), false)
                if a.kind == Kind::Login
                    && a.phase <= Phase::Restart
                    && to_visiting
                    && request.expires_unknown =>
            {
                RegisterCase::Unregister
            }
            (Some(a), false) if a.kind == Kind::Login && a.phase >= Phase::Restart => {
                if to_visiting {
                    RegisterCase::Fallback(a.phase)
                } else {
                    RegisterCase::Home
                }
            }
            (Some(a), false) if a.kind == Kind::Logout => {
                RegisterCase::Logout(side_of(to_visiting))
            }
            (Some(a), true) if a.kind == Kind::Login => RegisterCase::Unregister,
            (Some(_), true) => RegisterCase::LogoutUnregister { starts: false },
            (None, true) if back_home => RegisterCase::LogoutUnregister { starts: true },
            (None, true) => RegisterCase::Ignored,
            (_, false) if back_home || self.config.home.contains(&*p.server) => {
                RegisterCase::Ignored
            }
            (_, false) => RegisterCase::Visiting,
        }
    }

    pub(super) fn on_register(
        &mut self,
        f: &FrameFacts,
        p: &Parties,
        request: Registering,
    ) -> Option<Label> {
        let (phase, side, purpose, step, finding) = match self.registration_case(p, &request) {
            RegisterCase::Ignored => return None,
            RegisterCase::Unregister => (
                Phase::Restart,
                Side::Visiting,
                Purpose::Unregister,
                steps::UNREGISTER.to_string(),
                None,
            ),
            RegisterCase::Fallback(stop) => {
                let text = format!(
                    "the phone gave up in phase {} ({}) and registers with the visiting cluster again",
                    stop.number(),
                    stop.name()
                );
                (
                    stop,
                    Side::Visiting,
                    Purpose::FallbackRegister,
                    steps::FALLBACK_REGISTER.to_string(),
                    Some((FindingKind::FellBack, text)),
                )
            }
            RegisterCase::Home => {
                self.add_home(&p.key, &p.server);
                (
                    Phase::HomeRegistration,
                    Side::Home,
                    Purpose::HomeRegister,
                    steps::HOME_REGISTER.to_string(),
                    None,
                )
            }
            RegisterCase::Logout(side) => (
                Phase::Logout,
                side,
                Purpose::LogoutRegister,
                steps::LOGOUT_REGISTER.to_string(),
                None,
            ),
            RegisterCase::LogoutUnregister { starts } => {
                if starts {
                    self.start_attempt(&p.key, Kind::Logout, f.time, Phase::Logout);
                }
                (
                    Phase::Logout,
                    Side::Home,
                    Purpose::Unregister,
                    steps::LOGOUT_UNREGISTER.to_string(),
                    None,
                )
            }
            RegisterCase::Visiting => {
                if let Some(phone) = self.phones.get_mut(&p.key) {
                    phone.visiting = Some(p.server.clone());
                    phone.logged_in = false;
                }
                (
                    Phase::VisitingRegistration,
                    Side::Visiting,
                    Purpose::Register,
                    steps::visiting_register(request.expires),
                    None,
                )
            }
        };
        self.enter_phase(&p.key, phase, f.time);
        let mut label = self.label(&p.key, f, phase, Some(side), step);
        if let Some((kind, text)) = finding {
            label.outcome =
                self.failure_outcome(&p.key, phase, "fell back to the visiting cluster", None);
            label.findings.push(Finding { kind, text });
            self.fail_current(&p.key);
        }
        let method = if request.unregister {
            request.unregister_method
        } else {
            request.register_method
        };
        self.remember_transaction(f, &label, method, purpose);
        Some(label)
    }

    /// The cluster tells the phone to restart: a service-control NOTIFY
    /// (SIP) or a Reset (SCCP).
    pub(super) fn on_restart_order(
        &mut self,
        f: &FrameFacts,
        p: &Parties,
        order: RestartOrder,
    ) -> Option<Label> {
        let phone = self.phones.get(&p.key)?;
        let logged_in = phone.logged_in;
        let visiting_unknown = phone.visiting.is_none() || !self.is_visiting(phone, &p.server);
        let current = phone.current.clone();
        let mut findings = Vec::new();
        let (phase, side, step) = match &current {
            Some(a) if a.kind == Kind::Login && !a.failed => {
                (Phase::Restart, Side::Visiting, order.restart_step())
            }
            Some(a) if a.kind == Kind::Logout => {
                self.add_home(&p.key, &p.server);
                (Phase::Logout, Side::Home, order.logout_step())
            }
            _ if logged_in || self.config.home.contains(&*p.server) => {
                self.add_home(&p.key, &p.server);
                self.start_attempt(&p.key, Kind::Logout, f.time, Phase::Logout);
                (Phase::Logout, Side::Home, order.logout_step())
            }
            _ if visiting_unknown => {
                // No login seen: the capture starts after the EMApp login.
                if let Some(phone) = self.phones.get_mut(&p.key) {
                    phone.visiting = Some(p.server.clone());
                }
                self.start_attempt(&p.key, Kind::Login, f.time, Phase::Restart);
                findings.push(Finding {
                    kind: FindingKind::MidFlow,
                    text: "no EMApp login of this phone in the capture before its restart: labelling from here (set emccflow.visiting_clusters/home_clusters if this is a logout)".to_string(),
                });
                (Phase::Restart, Side::Visiting, order.restart_step())
            }
            _ => return None,
        };
        self.enter_phase(&p.key, phase, f.time);
        let mut label = self.label(&p.key, f, phase, Some(side), step.to_string());
        label.findings = findings;
        // A Skinny Reset is not answered.
        if order == RestartOrder::Notify {
            self.remember_transaction(f, &label, "NOTIFY", Purpose::RestartNotify);
        }
        Some(label)
    }

    /// A REFER (`by_refer`), or the Skinny alarm message an SCCP phone sends
    /// in its place.
    pub(super) fn on_refer(
        &mut self,
        f: &FrameFacts,
        p: &Parties,
        from_phone: bool,
        alarm: Option<&str>,
        by_refer: bool,
    ) -> Option<Label> {
        let phone = self.phones.get(&p.key)?;
        let to_visiting = self.is_visiting(phone, &p.server);
        let (current, tail) = (phone.current.clone(), phone.tail.clone());
        let (phase, side) = match (&current, &tail) {
            (Some(a), _) if a.kind == Kind::Logout => (Phase::Logout, side_of(to_visiting)),
            (Some(a), _) if a.phase <= Phase::Restart && to_visiting => {
                (Phase::Restart, Side::Visiting)
            }
            (Some(a), _) if a.phase >= Phase::VisitingTrust && !to_visiting => {
                self.add_home(&p.key, &p.server);
                (Phase::HomeRegistration, Side::Home)
            }
            (Some(a), _) if to_visiting => (a.phase, Side::Visiting),
            (None, Some(t)) if t.server == p.server && f.time <= t.until => {
                (t.phase, side_of(to_visiting))
            }
            _ => return None,
        };
        let step = steps::report(from_phone, alarm, side, by_refer);
        let label = self.label(&p.key, f, phase, Some(side), step);
        if by_refer {
            self.remember_transaction(f, &label, "REFER", Purpose::Report);
        }
        Some(label)
    }

    pub(super) fn on_sip_response(
        &mut self,
        f: &FrameFacts,
        status: u32,
        phrase: &str,
        method: &str,
    ) -> Option<Label> {
        let tx = self.answered(f, method)?;
        let step = steps::sip_response(method, status, phrase, tx.side, *f.src == *tx.key);
        let refusal = match status {
            100..=199 => return Some(self.answer_label(&tx, f, step)),
            200..=299 => None,
            _ => Some((
                format!("{status} {phrase}").trim_end().to_string(),
                Some(status),
            )),
        };
        Some(self.conclude(&tx, f, step, refusal))
    }

    /// The request `f` answers (sent the other way), if the flow kept it.
    pub(super) fn answered(&self, f: &FrameFacts, method: &str) -> Option<Transaction> {
        self.transactions
            .get(&(f.dst.clone(), f.src.clone(), method.to_string()))
            .cloned()
    }

    /// The label of an answer: the request's phase, attempt and side.
    pub(super) fn answer_label(&self, tx: &Transaction, f: &FrameFacts, step: String) -> Label {
        Label {
            phase: tx.phase,
            side: tx.side,
            attempt: tx.attempt,
            kind: tx.kind,
            attempt_start: tx.start,
            time: f.time,
            step: step.into(),
            ..self.label(&tx.key, f, tx.phase, tx.side, String::new())
        }
    }

    /// A final answer: accepted (`refusal` None) or refused (in words, and
    /// the refusal's code if it has one), and what that
    /// means for the attempt the request belongs to.
    pub(super) fn conclude(
        &mut self,
        tx: &Transaction,
        f: &FrameFacts,
        step: String,
        refusal: Option<(String, Option<u32>)>,
    ) -> Label {
        let mut label = self.answer_label(tx, f, step);
        match (tx.purpose, refusal) {
            (Purpose::HomeRegister, None) => {
                self.complete(&mut label, tx, f, Kind::Login, steps::HOME_REGISTERED)
            }
            (Purpose::HomeRegister, Some((refusal, code))) => {
                let text = format!("the home cluster rejected the registration: {refusal}");
                label.findings.push(Finding {
                    kind: FindingKind::RegisterRejected,
                    text,
                });
                label.outcome = self.failure_outcome(
                    &tx.key,
                    tx.phase,
                    &format!("home registration rejected ({refusal})"),
                    code,
                );
                self.fail_current(&tx.key);
            }
            (Purpose::LogoutRegister, None) => {
                self.complete(&mut label, tx, f, Kind::Logout, steps::LOGOUT_REGISTERED)
            }
            (Purpose::FallbackRegister, None) => self.finish(&tx.key, f, false),
            _ => {}
        }
        label
    }

    /// The registration that ends a login (with the home cluster) or a
    /// logout (back with the visiting cluster) was accepted.
    fn complete(
        &mut self,
        label: &mut Label,
        tx: &Transaction,
        f: &FrameFacts,
        kind: Kind,
        step: &str,
    ) {
        let seconds = tx.start.map_or(NsTime::ZERO, |s| f.time.since(s));
        label.step = step.into();
        label.findings.push(Finding {
            kind: FindingKind::Completed,
            text: format!(
                "EMCC {} completed in {} s",
                kind.as_str(),
                seconds.decimals(1)
            ),
        });
        label.outcome = Some(Outcome::Completed { seconds });
        self.finish(&tx.key, f, kind == Kind::Login);
    }
}
