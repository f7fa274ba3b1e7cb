//! An answer of EMApp (a Cisco IP phone XML object: a form, a text, an
//! error) or of EMService (success, failure with a code, profiles).

use std::ops::Range;
use std::sync::Arc;

use super::codes::{emservice_meaning, lookup, EMAPP_ERRORS, EMSERVICE_ERRORS};
use super::em_error::ErrorSource;
use super::emservice::{parse_emservice, EmServiceDoc};
use super::fields::*;
use super::phone_xml::{parse_phone_xml, PhoneObject};
use super::query::{parse_target, Servlet};
use super::statistics::{self, Table};
use super::{frame_time, requests, shown, HttpInputs, Origins, RequestInfo};
use crate::epan::{Packet, Tree};

/// Decodes a response to a request of `for_uri`; false when not ours.
pub fn decode<'d>(
    packet: &mut Packet<'d>,
    for_uri: &str,
    inputs: &HttpInputs,
    origins: Origins<'d>,
) -> bool {
    let target = parse_target(for_uri);
    let Some(servlet) = &target.servlet else {
        return false;
    };
    let bytes = inputs.body.as_deref().unwrap_or_default();
    match (origins.body, &inputs.body) {
        (Some(body), Some(_)) => packet.place(Some(body)),
        _ => packet.place(origins.uri),
    }
    packet.set_protocol_column();
    let (_, tree) = packet.add_protocol(0..bytes.len(), &ETT_EMCC);
    let servlet_item =
        packet.add_string(tree, &SERVLET, 0..0, super::request::servlet_name(servlet));
    packet.set_generated(servlet_item);
    let request = link_request(packet, tree, inputs.request_in);

    let summary = match servlet {
        Servlet::EmService => {
            let doc = parse_emservice(bytes);
            add_emservice(packet, tree, &doc, None)
        }
        Servlet::EmApp | Servlet::Jsp(_) => {
            let object = parse_phone_xml(bytes);
            add_phone_object(packet, tree, &object, request.as_deref())
        }
    };
    packet.append_info(&format!("[EMCC {summary}]"));
    let device = request.as_ref().and_then(|r| r.device.as_deref());
    statistics::queue(packet, None, device);
    true
}

/// The request this answers: its frame (from HTTP) and what we remembered.
fn link_request<'d>(
    packet: &mut Packet<'d>,
    tree: Tree<'d>,
    frame: Option<u32>,
) -> Option<Arc<RequestInfo>> {
    let Some(frame) = frame else {
        packet.expert_at(
            tree,
            &UNPAIRED,
            0..0,
            "No request for this response in the capture",
        );
        return None;
    };
    let item = packet.add_uint(tree, &REQUEST_IN, 0..0, frame);
    packet.set_generated(item);
    let info = requests().recall(frame)?;
    // As HTTP computes http.time (nstime_delta of the two frames' times), so
    // both show the same digits; a response before its request (frames out
    // of order) shows 0.
    let elapsed = frame_time(packet).since(info.time).at_least_zero();
    let item = packet.add_time(tree, &TIME, 0..0, elapsed.secs(), elapsed.nsecs());
    packet.set_generated(item);
    Some(info)
}

fn add_phone_object<'d>(
    packet: &mut Packet<'d>,
    tree: Tree<'d>,
    object: &PhoneObject,
    request: Option<&RequestInfo>,
) -> String {
    if let Some(root) = &object.root {
        packet.add_string(tree, &RESPONSE_OBJECT, root.span.range(), &root.value);
    }
    for (part, field) in [
        (&object.title, &RESPONSE_TITLE),
        (&object.prompt, &RESPONSE_PROMPT),
        (&object.text, &RESPONSE_TEXT),
    ] {
        if let Some(part) = part {
            packet.add_string(tree, field, part.span.range(), &part.value);
        }
    }
    for url in &object.urls {
        packet.add_string(tree, &RESPONSE_URL, url.span.range(), &url.value);
    }
    for problem in &object.problems {
        packet.expert_at(
            tree,
            &MALFORMED,
            problem.span.range(),
            &problem.kind.to_string(),
        );
    }
    if let Some(error) = &object.error {
        let (field, table, shown_in) = match object.error_source {
            ErrorSource::EmApp => (&ERROR_CODE, EMAPP_ERRORS, Table::EmApp),
            ErrorSource::EmService => (&SVC_ERROR_CODE, EMSERVICE_ERRORS, Table::EmService),
        };
        let meaning = lookup(table, error.code).unwrap_or("meaning unknown");
        statistics::note_error(packet.frame_number(), shown_in, error.code, meaning);
        let item = packet.add_uint(tree, field, error.span.range(), error.code);
        packet.add_string(tree, &ERROR_TEXT, error.text_span.range(), &error.text);
        let message = format!(
            "The phone was shown error {}: {meaning} ({:?})",
            error.code, error.text
        );
        packet.expert(item, &ERROR, &message);
        return format!("error {} {meaning}", error.code);
    }
    let root = object
        .root
        .as_ref()
        .map_or("no object", |r| r.value.as_str());
    if let Some(request) = request.filter(|r| r.action == "login-submit") {
        let who = request
            .user
            .as_deref()
            .map_or("the user".to_string(), shown);
        let on = request
            .device
            .as_deref()
            .map_or("the phone".to_string(), shown);
        let message = format!("Login of {who} on {on} accepted");
        packet.expert_at(tree, &LOGIN_OK, 0..0, &message);
        return format!("login accepted: {root}");
    }
    match request {
        Some(r) => format!("{} answered: {root}", r.action),
        None => root.to_string(),
    }
}

/// EMService fields; `whole` is where to point every item when the
/// document's offsets do not match the bytes (a percent-encoded form value).
pub fn add_emservice<'d>(
    packet: &mut Packet<'d>,
    tree: Tree<'d>,
    doc: &EmServiceDoc,
    whole: Option<Range<usize>>,
) -> String {
    let at = |span: crate::span::Span| whole.clone().unwrap_or_else(|| span.range());
    if let Some(request) = &doc.request {
        packet.add_string(tree, &SVC_REQUEST, at(request.span), &request.value);
    }
    for (i, user) in doc.users.iter().enumerate() {
        let item = packet.add_string(tree, &SVC_USER, at(user.span), &user.value);
        // Percent-encoded in the answer (domain.md "EMService"): shown decoded, and as sent.
        if let Some(Some(raw)) = doc.users_raw.get(i) {
            packet.append_text(item, &format!(" (sent as {raw})"));
            packet.add_string(tree, &SVC_USER_RAW, at(user.span), raw);
        }
    }
    for device in &doc.devices {
        packet.add_string(tree, &SVC_DEVICE, at(device.span), &device.value);
    }
    for profile in &doc.profiles {
        packet.add_string(tree, &SVC_PROFILE, at(profile.span), &profile.value);
    }
    if let Some(result) = &doc.result {
        packet.add_string(tree, &SVC_RESULT, at(result.span), result.value);
    }
    for problem in &doc.problems {
        packet.expert_at(
            tree,
            &MALFORMED,
            at(problem.span),
            &problem.kind.to_string(),
        );
    }
    if let Some((code, span, text)) = &doc.error {
        // Code 2 depends on the dialect (codes::emservice_meaning).
        let meaning = emservice_meaning(*code, doc.emcc).unwrap_or("meaning unknown");
        statistics::note_error(packet.frame_number(), Table::EmService, *code, meaning);
        let item = packet.add_uint(tree, &SVC_ERROR_CODE, at(*span), *code);
        if Some(meaning) != lookup(EMSERVICE_ERRORS, *code) {
            // The table names both dialects' meanings; say which one this document's is.
            let dialect = if doc.emcc {
                "between clusters"
            } else {
                "EM API"
            };
            packet.append_text(item, &format!(" [{dialect}: {meaning}]"));
        }
        let detail = text
            .as_deref()
            .map(|t| format!(" ({t:?})"))
            .unwrap_or_default();
        let message = format!("EMService error {code}: {meaning}{detail}");
        packet.expert(item, &ERROR, &message);
        return format!("EMService error {code} {meaning}");
    }
    let what = doc
        .request
        .as_ref()
        .map_or(doc.action, |r| r.value.as_str());
    match &doc.result {
        Some(result) => format!("EMService {what} {}", result.value),
        None => format!("EMService {what}"),
    }
}
