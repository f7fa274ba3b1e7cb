//! How each file download went, and what it means: a phone fetches its
//! trust lists and configuration over HTTP (port 6970) first and falls back
//! to TFTP when HTTP fails. A missing CTL is normal (the cluster is not in
//! mixed mode); any other file missing on both is a real problem.
//!
//! Decided on the first pass, in frame order; later passes reuse the verdict.

use std::collections::HashMap;

use super::files::FileKind;

/// Files remembered at most with a failed HTTP download: per-device file
/// names of every phone in a CUCM-side capture, with room to spare.
pub const MAX_FAILURES: usize = 200_000;

/// One download step of a frame, as HTTP or TFTP showed it.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    HttpRequest {
        file: String,
    },
    HttpResponse {
        file: String,
        status: u32,
    },
    TftpRequest {
        file: String,
    },
    TftpError {
        file: String,
        code: u32,
        message: String,
    },
    /// The end of a TFTP transfer that carried data: its last block, or (a later
    /// pass only) the last packet of a transfer the capture cut.
    TftpData {
        file: String,
        complete: bool,
    },
}

impl Event {
    pub fn file(&self) -> &str {
        match self {
            Event::HttpRequest { file }
            | Event::HttpResponse { file, .. }
            | Event::TftpRequest { file }
            | Event::TftpError { file, .. }
            | Event::TftpData { file, .. } => file,
        }
    }

    pub fn transport(&self) -> &'static str {
        match self {
            Event::HttpRequest { .. } | Event::HttpResponse { .. } => "HTTP",
            Event::TftpRequest { .. } | Event::TftpError { .. } | Event::TftpData { .. } => "TFTP",
        }
    }
}

/// Which explanation an event deserves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Finding {
    CtlAbsent,
    Unavailable,
    FallbackFailed,
}

/// What the first pass decided about an event.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Verdict {
    pub result: Option<&'static str>,
    /// The failed HTTP download a TFTP request falls back from.
    pub fallback_from: Option<u32>,
    pub finding: Option<(Finding, String)>,
}

#[derive(Default)]
pub struct Downloads {
    /// Per file name: the frame and status of its last failed HTTP download.
    http_failures: HashMap<String, (u32, u32)>,
}

impl Downloads {
    pub fn clear(&mut self) {
        self.http_failures.clear();
    }

    pub fn judge(&mut self, frame: u32, event: &Event, kind: FileKind) -> Verdict {
        let mut verdict = Verdict::default();
        match event {
            Event::HttpRequest { .. } => {}
            Event::HttpResponse { file, status } => {
                verdict.result = Some(http_result(*status));
                if *status >= 400 {
                    if self.http_failures.len() < MAX_FAILURES
                        || self.http_failures.contains_key(file)
                    {
                        self.http_failures.insert(file.clone(), (frame, *status));
                    }
                    verdict.finding = Some(if kind == FileKind::Ctl && *status == 404 {
                        (Finding::CtlAbsent, ctl_absent(file, "HTTP 404"))
                    } else {
                        (
                            Finding::Unavailable,
                            format!(
                                "HTTP {status} for {file}: the phone falls back to TFTP for it"
                            ),
                        )
                    });
                } else {
                    self.http_failures.remove(file);
                }
            }
            Event::TftpRequest { file } => {
                verdict.fallback_from = self.http_failures.get(file).map(|&(f, _)| f);
            }
            Event::TftpError {
                file,
                code,
                message,
            } => {
                verdict.result = Some(if *code == 1 {
                    "not-found"
                } else {
                    "tftp-error"
                });
                let http = self.http_failures.get(file).copied();
                verdict.finding = if kind == FileKind::Ctl && *code == 1 {
                    Some((Finding::CtlAbsent, ctl_absent(file, "TFTP File not found")))
                } else if let Some((http_frame, status)) = http {
                    Some((
                        Finding::FallbackFailed,
                        format!(
                            "{file} is unavailable over HTTP ({status}, frame {http_frame}) and TFTP ({message}): the phone cannot get it"
                        ),
                    ))
                } else {
                    None
                };
            }
            Event::TftpData { file, complete } => {
                if *complete {
                    // The fallback worked: a later failure of the file is judged afresh.
                    self.http_failures.remove(file);
                }
                verdict = transfer_verdict(*complete, None);
            }
        }
        verdict
    }
}

/// The verdict on the end of a TFTP transfer that carried data; `fallback_from` is the
/// HTTP failure its read request followed.
pub fn transfer_verdict(complete: bool, fallback_from: Option<u32>) -> Verdict {
    Verdict {
        result: Some(if complete { "ok" } else { "incomplete" }),
        fallback_from,
        finding: None,
    }
}

fn http_result(status: u32) -> &'static str {
    match status {
        200..=299 => "ok",
        404 => "not-found",
        500..=599 => "unavailable",
        _ => "http-error",
    }
}

fn ctl_absent(file: &str, how: &str) -> String {
    format!("{how} for {file}: no CTL, the cluster is not in mixed mode (normal)")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn http(file: &str, status: u32) -> Event {
        Event::HttpResponse {
            file: file.into(),
            status,
        }
    }

    #[test]
    fn a_missing_ctl_is_normal_over_http_and_tftp() {
        let mut d = Downloads::default();
        let v = d.judge(10, &http("CTLSEP1.tlv", 404), FileKind::Ctl);
        assert_eq!(v.result, Some("not-found"));
        assert_eq!(v.finding.unwrap().0, Finding::CtlAbsent);
        let v = d.judge(
            12,
            &Event::TftpError {
                file: "CTLSEP1.tlv".into(),
                code: 1,
                message: "File not found".into(),
            },
            FileKind::Ctl,
        );
        assert_eq!(v.finding.unwrap().0, Finding::CtlAbsent);
    }

    #[test]
    fn a_503_then_tftp_request_links_the_fallback() {
        let mut d = Downloads::default();
        let v = d.judge(110, &http("CTLSEP1.tlv", 503), FileKind::Ctl);
        assert_eq!(v.result, Some("unavailable"));
        assert_eq!(v.finding.unwrap().0, Finding::Unavailable);
        let v = d.judge(
            116,
            &Event::TftpRequest {
                file: "CTLSEP1.tlv".into(),
            },
            FileKind::Ctl,
        );
        assert_eq!(v.fallback_from, Some(110));
    }

    #[test]
    fn an_itl_missing_on_both_is_a_real_problem() {
        let mut d = Downloads::default();
        d.judge(5, &http("ITLSEP1.tlv", 503), FileKind::Itl);
        let v = d.judge(
            9,
            &Event::TftpError {
                file: "ITLSEP1.tlv".into(),
                code: 1,
                message: "File not found".into(),
            },
            FileKind::Itl,
        );
        let (finding, text) = v.finding.unwrap();
        assert_eq!(finding, Finding::FallbackFailed);
        assert!(text.contains("frame 5"), "{text}");
    }

    #[test]
    fn a_tftp_fallback_that_completes_clears_the_failure() {
        let mut d = Downloads::default();
        d.judge(5, &http("ITLSEP1.tlv", 503), FileKind::Itl);
        let done = Event::TftpData {
            file: "ITLSEP1.tlv".into(),
            complete: true,
        };
        assert_eq!(d.judge(20, &done, FileKind::Itl).result, Some("ok"));
        let v = d.judge(
            30,
            &Event::TftpError {
                file: "ITLSEP1.tlv".into(),
                code: 1,
                message: "File not found".into(),
            },
            FileKind::Itl,
        );
        assert_eq!(v.finding, None, "no longer a failed fallback");
        let cut = Event::TftpData {
            file: "X.tlv".into(),
            complete: false,
        };
        assert_eq!(
            d.judge(40, &cut, FileKind::Other).result,
            Some("incomplete")
        );
    }

    #[test]
    fn a_later_success_clears_the_failure() {
        let mut d = Downloads::default();
        d.judge(5, &http("ITLSEP1.tlv", 503), FileKind::Itl);
        d.judge(7, &http("ITLSEP1.tlv", 200), FileKind::Itl);
        let v = d.judge(
            9,
            &Event::TftpRequest {
                file: "ITLSEP1.tlv".into(),
            },
            FileKind::Itl,
        );
        assert_eq!(v.fallback_from, None);
    }
}
