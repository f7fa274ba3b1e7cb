//! A downloaded file's content: a CTL/ITL trust list, or a signed file
//! (configuration, softkey template) with the XML inside it.

use super::fields::*;
use super::files::FileKind;
use super::signed_config::{self, config_facts, parse_signed};
use super::trustlist::{self, parse_trust_list, Header};
use crate::epan::{Packet, Tree};
use crate::span::Span;
use sha1::{Digest, Sha1};

/// Decodes a file's bytes; `whole` when they are the entire file (a SHA-1 of
/// part of a file would only mislead a comparison). The SHA-1 is computed only
/// when someone will see it: it was half the plugin's work on config downloads.
pub fn decode<'d>(
    packet: &mut Packet<'d>,
    tree: Tree<'d>,
    kind: FileKind,
    bytes: &[u8],
    whole: bool,
) {
    if whole && packet.is_referenced(tree, &SHA1) {
        let digest = packet.add_bytes(tree, &SHA1, 0..bytes.len(), &Sha1::digest(bytes));
        packet.set_generated(digest);
    }
    match kind {
        FileKind::Ctl | FileKind::Itl => trust_list(packet, tree, bytes),
        FileKind::SignedConfig | FileKind::Softkey => signed(packet, tree, bytes),
        FileKind::Config => config(packet, tree, bytes, 0),
        FileKind::Other => {}
    }
}

fn trust_list<'d>(packet: &mut Packet<'d>, tree: Tree<'d>, bytes: &[u8]) {
    let list = parse_trust_list(bytes);
    header(packet, tree, &list.header);
    for record in &list.records {
        let label = record
            .function
            .as_ref()
            .map(|f| trustlist::function_name(f.value).unwrap_or("unknown function"))
            .unwrap_or("record");
        let name = record.dns_name.as_ref().map_or("", |d| d.value.as_str());
        let item = packet.add_label(
            tree,
            &RECORD,
            record.span.range(),
            &format!("Record: {label} {name}"),
        );
        let sub = packet.subtree(item, &ETT_RECORD);
        if let Some(f) = &record.function {
            packet.add_uint(sub, &RECORD_FUNCTION, f.span.range(), u32::from(f.value));
        }
        for (value, field) in [
            (&record.dns_name, &RECORD_DNS_NAME),
            (&record.subject, &RECORD_SUBJECT),
            (&record.issuer, &RECORD_ISSUER),
            (&record.ip, &RECORD_IP),
        ] {
            if let Some(v) = value {
                packet.add_string(sub, field, v.span.range(), &v.value);
            }
        }
        if let Some(serial) = &record.serial {
            packet.add_bytes(sub, &RECORD_SERIAL, serial.span.range(), &serial.value);
        }
    }
    for problem in &list.problems {
        let expert = match problem.kind {
            trustlist::ProblemKind::TooManyRecords | trustlist::ProblemKind::TooManyProblems => {
                &LIMIT
            }
            // Unknown tags and values are a note (`ciscotl.unusual`), never malformed.
            ref kind => expert_for(kind.severity()),
        };
        packet.expert_at(
            tree,
            expert,
            problem.span.range(),
            &problem.kind.to_string(),
        );
    }
}

fn header<'d>(packet: &mut Packet<'d>, tree: Tree<'d>, header: &Header) {
    if let Some(v) = &header.version {
        let (major, minor) = v.value;
        packet.add_string(tree, &VERSION, v.span.range(), &format!("{major}.{minor}"));
    }
    if let Some(s) = &header.signer_name {
        packet.add_string(tree, &SIGNER, s.span.range(), &s.value);
    }
    if let Some(s) = &header.serial {
        packet.add_bytes(tree, &SIGNER_SERIAL, s.span.range(), &s.value);
    }
    if let Some(s) = &header.ca_name {
        packet.add_string(tree, &SIGNER_CA_NAME, s.span.range(), &s.value);
    }
    if let Some(v) = &header.signer_version {
        let (major, minor) = v.value;
        let text = format!("{major}.{minor}");
        packet.add_string(tree, &SIGNER_VERSION, v.span.range(), &text);
    }
    if let Some(d) = &header.digest_alg {
        packet.add_uint(tree, &DIGEST_ALG, d.span.range(), u32::from(d.value));
    }
    if let Some(k) = &header.modulus_bits {
        packet.add_uint(tree, &KEY_SIZE, k.span.range(), u32::from(k.value));
    }
    if let Some(t) = &header.timestamp {
        packet.add_time(tree, &TIMESTAMP, t.span.range(), i64::from(t.value), 0);
    }
    if let Some(f) = &header.filename {
        packet.add_string(tree, &FILENAME, f.span.range(), &f.value);
    }
}

fn signed<'d>(packet: &mut Packet<'d>, tree: Tree<'d>, bytes: &[u8]) {
    let file = parse_signed(bytes);
    if let Some(h) = &file.header {
        header(packet, tree, h);
    }
    report(packet, tree, &file.problems, 0);
    if let Some(start) = file.xml_start.filter(|&s| s <= bytes.len()) {
        config(packet, tree, &bytes[start..], start);
    }
}

/// The facts of a configuration XML found at `offset` in the file.
fn config<'d>(packet: &mut Packet<'d>, tree: Tree<'d>, xml: &[u8], offset: usize) {
    let facts = config_facts(xml);
    let at = |span: Span| span.start + offset..span.end() + offset;
    for cm in &facts.call_managers {
        packet.add_string(tree, &CFG_CALL_MANAGER, at(cm.span), &cm.value);
    }
    for server in &facts.tftp_servers {
        packet.add_string(tree, &CFG_TFTP_SERVER, at(server.span), &server.value);
    }
    if let Some(url) = &facts.emcc_service_url {
        packet.add_string(tree, &CFG_EMCC_URL, at(url.span), &url.value);
    }
    report(packet, tree, &facts.problems, offset);
}

fn report<'d>(
    packet: &mut Packet<'d>,
    tree: Tree<'d>,
    problems: &[signed_config::Problem],
    offset: usize,
) {
    for problem in problems {
        let range = problem.span.start + offset..problem.span.end() + offset;
        let expert = expert_for(problem.kind.severity());
        packet.expert_at(tree, expert, range, &problem.kind.to_string());
    }
}

fn expert_for(severity: trustlist::Severity) -> &'static crate::epan::Expert {
    match severity {
        trustlist::Severity::Note => &UNUSUAL,
        trustlist::Severity::Warning | trustlist::Severity::Error => &MALFORMED,
    }
}
