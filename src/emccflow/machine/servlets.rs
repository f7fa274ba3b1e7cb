//! HTTP and TLS: EMApp (phone and visiting cluster), EMService (visiting to
//! home cluster), the trust and configuration downloads, and TVS.

use super::*;

impl Flow {
    pub(super) fn on_emapp_request(
        &mut self,
        f: &FrameFacts,
        p: &Parties,
        action: &str,
        user: Option<&String>,
    ) -> Option<Label> {
        self.emapp_servers.insert(p.server.clone());
        let phone = self.phones.get_mut(&p.key)?;
        phone.visiting = Some(p.server.clone());
        if let Some(user) = user {
            phone.user = Some(user.as_str().into());
        }
        let current = phone.current.clone();
        let kind = if action == "logout" {
            Kind::Logout
        } else {
            Kind::Login
        };
        let continues = matches!(&current, Some(a) if a.kind == kind && !a.failed
            && (kind == Kind::Logout || a.phase <= Phase::Login));
        if !continues {
            let phase = if kind == Kind::Logout {
                Phase::Logout
            } else {
                Phase::Login
            };
            self.start_attempt(&p.key, kind, f.time, phase);
        }
        let phase = if kind == Kind::Logout {
            Phase::Logout
        } else {
            Phase::Login
        };
        self.enter_phase(&p.key, phase, f.time);
        let user = self.phones.get(&p.key).and_then(|ph| ph.user.clone());
        let step = steps::emapp_request(action, user.as_deref());
        Some(self.label(&p.key, f, phase, Some(Side::Visiting), step))
    }

    pub(super) fn on_emapp_response(
        &mut self,
        f: &FrameFacts,
        p: &Parties,
        error_code: Option<u32>,
        error_text: Option<&str>,
        object: &Option<String>,
    ) -> Option<Label> {
        let attempt = self.phones.get(&p.key)?.current.clone()?;
        let phase = if attempt.kind == Kind::Logout {
            Phase::Logout
        } else {
            Phase::Login
        };
        if attempt.phase > phase && attempt.kind == Kind::Login {
            return None;
        }
        let refused = error_code.is_some() || error_text.is_some();
        let step = steps::emapp_response(error_code, error_text, object.as_deref());
        let mut label = self.label(&p.key, f, phase, Some(Side::Visiting), step);
        if refused && !attempt.failed {
            let why = steps::refusal(error_code, error_text);
            label.outcome =
                self.failure_outcome(&p.key, phase, &format!("login refused, {why}"), error_code);
            label.findings.push(Finding {
                kind: FindingKind::LoginRefused,
                text: format!("the login was refused: {why}"),
            });
            self.fail_current(&p.key);
        }
        Some(label)
    }

    /// EMService runs between the clusters: the frame names the phone only by
    /// its device, and its far end is the home cluster.
    pub(super) fn on_emservice(
        &mut self,
        f: &FrameFacts,
        home: &str,
        device: Option<&str>,
        error: Option<u32>,
        starts_login: bool,
        step: impl FnOnce(()) -> String,
    ) -> Option<Label> {
        let key = match device {
            Some(device) => self
                .by_device
                .get(device)
                .cloned()
                .unwrap_or_else(|| device.into()),
            None => self
                .transactions
                .get(&(f.dst.clone(), f.src.clone(), "EMService".to_string()))
                .map(|tx| tx.key.clone())?,
        };
        let in_login = self
            .phones
            .get(&key)
            .and_then(|phone| phone.current.as_ref())
            .is_some_and(|attempt| !attempt.failed);
        if !in_login && !starts_login {
            return None;
        }
        let phone = self.phone_entry(&key, None)?;
        if phone.device.is_none() {
            phone.device = device.map(Text::from);
        }
        if phone.current.is_none() {
            // The phone's own EMApp traffic is not in this capture.
            self.start_attempt(&key, Kind::Login, f.time, Phase::Login);
        }
        self.add_home(&key, home);
        let step = step(());
        let mut label = self.label(&key, f, Phase::Login, Some(Side::Home), step);
        if device.is_some() {
            self.remember_transaction(f, &label, "EMService", Purpose::Report);
        } else if let Some(code) = error {
            // The home cluster's refusal is the cause; the EMApp error the
            // phone gets next only repeats it.
            let meaning = codes::lookup(codes::EMSERVICE_ERRORS, code).unwrap_or("unknown code");
            let why = format!("EMService error {code} ({meaning})");
            label.outcome = self.failure_outcome(
                &key,
                Phase::Login,
                &format!("home cluster refused the login, {why}"),
                Some(code),
            );
            label.findings.push(Finding {
                kind: FindingKind::LoginRefused,
                text: format!("the home cluster refused the login: {why}"),
            });
            self.fail_current(&key);
        }
        Some(label)
    }

    /// A phone fetching files from a cluster the preferences call home
    /// while no login of it is in the capture: the capture started mid-login.
    pub(super) fn join_mid_flow(&mut self, f: &FrameFacts, p: &Parties, kind: &str) -> Option<()> {
        let active = self
            .phones
            .get(&p.key)
            .is_some_and(|phone| phone.current.is_some());
        if active {
            return Some(());
        }
        if !self.config.home.contains(&*p.server) {
            return self.phones.contains_key(&p.key).then_some(());
        }
        self.phone_entry(&p.key, p.phone_addr.as_deref())?;
        let phase = if matches!(kind, "CTL" | "ITL") {
            Phase::HomeTrust
        } else {
            Phase::HomeConfig
        };
        self.start_attempt(&p.key, Kind::Login, f.time, phase);
        self.mid_flow_pending.insert(p.key.clone());
        Some(())
    }

    pub(super) fn on_download(
        &mut self,
        f: &FrameFacts,
        p: &Parties,
        file: &str,
        kind: &str,
        transport: &str,
        result: Option<&str>,
    ) -> Option<Label> {
        let phone = self.phones.get(&p.key)?;
        let attempt = phone.current.clone()?;
        let to_visiting = self.is_visiting(phone, &p.server);
        let trust = matches!(kind, "CTL" | "ITL");
        let (phase, side) = if attempt.kind == Kind::Logout {
            (Phase::Logout, side_of(to_visiting))
        } else if to_visiting {
            (Phase::VisitingTrust, Side::Visiting)
        } else {
            self.add_home(&p.key, &p.server);
            if trust {
                (Phase::HomeTrust, Side::Home)
            } else {
                (Phase::HomeConfig, Side::Home)
            }
        };
        if attempt.kind == Kind::Login && attempt.phase < Phase::Restart {
            // Downloads before any restart are the phone's own business.
            return None;
        }
        self.enter_phase(&p.key, phase, f.time);
        let step = steps::download(file, kind, transport, result, side);
        let mut label = self.label(&p.key, f, phase, Some(side), step);
        if self.mid_flow_pending.remove(&*p.key) {
            label.findings.push(Finding {
                kind: FindingKind::MidFlow,
                text: "the capture starts after this phone's restart: labelling from its first request to a home-cluster address of the preferences".to_string(),
            });
        }
        let failed_for_good = match result {
            Some("ok") | None => false,
            Some("unavailable") if transport == "HTTP" => false,
            // No CTL: the cluster is not in mixed mode; the phone goes on.
            Some(_) if kind == "CTL" => false,
            // The capture lost blocks, or the server gave up on a transfer
            // the phone may retry: not an answer about the file itself.
            Some("incomplete" | "tftp-error") => false,
            Some(_) => transport == "TFTP",
        };
        if failed_for_good && !attempt.failed && attempt.kind == Kind::Login {
            let text = format!(
                "the {} cluster's {kind} file {file} is unavailable over HTTP and TFTP ({}): the phone cannot continue the login",
                side.as_str(),
                result.unwrap_or("")
            );
            label.outcome = self.failure_outcome(
                &p.key,
                phase,
                &format!(
                    "{}-cluster {kind} unavailable over HTTP and TFTP",
                    side.as_str()
                ),
                None,
            );
            label.findings.push(Finding {
                kind: FindingKind::FilesUnavailable,
                text,
            });
            self.fail_current(&p.key);
        }
        Some(label)
    }

    pub(super) fn on_tvs(&mut self, f: &FrameFacts, p: &Parties, event: &str) -> Option<Label> {
        let phone = self.phones.get(&p.key)?;
        let attempt = phone.current.clone()?;
        if attempt.kind != Kind::Login || attempt.phase < Phase::Restart {
            return None;
        }
        let side = side_of(self.is_visiting(phone, &p.server));
        let phase = Phase::HomeTrust;
        self.enter_phase(&p.key, phase, f.time);
        let mut label = self.label(&p.key, f, phase, Some(side), steps::tvs(event));
        if matches!(event, "reset" | "no-response") && !attempt.failed {
            let text = if event == "reset" {
                "TVS ended the session before vouching for the home cluster's ITL signer: the phone cannot trust the home cluster".to_string()
            } else {
                "TVS never answered the request to vouch for the home cluster's ITL signer"
                    .to_string()
            };
            let short = if event == "reset" {
                "TVS reset the session before answering"
            } else {
                "TVS never answered"
            };
            label.outcome = self.failure_outcome(&p.key, phase, short, None);
            label.findings.push(Finding {
                kind: FindingKind::TvsFailed,
                text,
            });
            self.fail_current(&p.key);
        }
        Some(label)
    }
}
