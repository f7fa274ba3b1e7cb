//! An EMApp or EMService request: what it asks, for whom, on which phone.

use super::emservice::{parse_emservice, EmServiceDoc};
use super::fields::*;
use super::query::{self, parse_form, parse_target, QueryParam, Servlet};
use super::statistics;
use super::{frame_time, requests, shown, HttpInputs, Origins, RequestInfo};
use crate::epan::{Field, Packet, Tree};

/// What the PIN is shown as unless the user asks to see it.
const MASK: &str = "********";

/// Decodes a request to `uri`; false when the path is not ours.
pub fn decode<'d>(
    packet: &mut Packet<'d>,
    uri: &str,
    inputs: &HttpInputs,
    origins: Origins<'d>,
) -> bool {
    let target = parse_target(uri);
    let Some(servlet) = &target.servlet else {
        return false;
    };
    // The URI's spans count from its first byte, where HTTP's item starts.
    packet.place(origins.uri);
    packet.set_protocol_column();
    let (_, tree) = packet.add_protocol(0..uri.len(), &ETT_EMCC);
    packet.add_string(
        tree,
        &SERVLET,
        target.path_span.range(),
        servlet_name(servlet),
    );

    let mut action = query::classify(servlet, &target.params).to_string();
    let mut device = string_param(&target.params, "device");
    let mut user = string_param(&target.params, "userid");
    add_params(packet, tree, &target.params);
    for problem in &target.problems {
        packet.expert_at(
            tree,
            &MALFORMED,
            problem.span.range(),
            &problem.kind.to_string(),
        );
    }

    if matches!(servlet, Servlet::EmService) {
        if let Some(doc) = decode_emservice_body(packet, tree, inputs, origins) {
            action = doc.action.to_string();
            user = user.or_else(|| doc.users.first().map(|u| u.value.clone()));
            device = device.or_else(|| doc.devices.first().map(|d| d.value.clone()));
        }
    }
    let action_item = packet.add_string(tree, &ACTION, target.path_span.range(), &action);
    packet.set_generated(action_item);

    link_response(packet, tree, inputs.response_in);
    if !packet.visited() {
        let info = RequestInfo {
            time: frame_time(packet),
            action: action.clone(),
            device: device.clone(),
            user: user.clone(),
        };
        requests().remember(packet.frame_number(), info);
    }

    let mut summary = format!("[EMCC {action}");
    if let Some(user) = &user {
        summary.push_str(&format!(" {}", shown(user)));
    }
    if let Some(device) = &device {
        summary.push_str(&format!(" @ {}", shown(device)));
    }
    summary.push(']');
    packet.append_info(&summary);
    statistics::queue(packet, Some(&action), device.as_deref());
    true
}

pub fn servlet_name(servlet: &Servlet) -> &str {
    match servlet {
        Servlet::EmApp => "EMAppServlet",
        Servlet::EmService => "EMServiceServlet",
        Servlet::Jsp(name) => name,
    }
}

fn string_param(params: &[QueryParam], name: &str) -> Option<String> {
    query::param(params, name).map(|p| p.value.clone())
}

/// Typed fields for the parameters EMApp knows, then every parameter as
/// sent. The PIN (`seq`) is masked unless revealed, and flagged.
fn add_params<'d>(packet: &mut Packet<'d>, tree: Tree<'d>, params: &[QueryParam]) {
    let typed: [(&str, &Field); 6] = [
        ("device", &DEVICE),
        ("userid", &USERID),
        ("loginType", &LOGIN_TYPE),
        ("refresh", &REFRESH),
        ("lang", &LANG),
        ("charset", &CHARSET),
    ];
    for (name, field) in typed {
        if let Some(p) = query::param(params, name) {
            packet.add_string(tree, field, p.value_span.range(), &p.value);
        }
    }
    if let Some(p) = query::param(params, "EMCC") {
        let on = p.value.eq_ignore_ascii_case("true");
        packet.add_bool(tree, &EMCC_MODE, p.value_span.range(), on);
    }
    let pin = query::param(params, "seq");
    let reveal = REVEAL_PIN.get();
    let present = packet.add_bool(tree, &PIN_PRESENT, 0..0, pin.is_some());
    packet.set_generated(present);
    if let Some(pin) = pin {
        let shown = if reveal { pin.value.as_str() } else { MASK };
        let item = packet.add_string(tree, &PIN, pin.value_span.range(), shown);
        packet.expert(
            item,
            &PIN_IN_CLEAR,
            "The user's PIN (seq) was sent over plain HTTP: anyone on the path can read it",
        );
    }
    if !packet.wants_tree() {
        return;
    }
    for p in params {
        let value = if p.name == "seq" && !reveal {
            MASK
        } else {
            p.value.as_str()
        };
        let whole = p.name_span.start..p.value_span.end().max(p.name_span.end());
        let item = packet.add_label(tree, &PARAM, whole, &format!("{}={value}", p.name));
        let sub = packet.subtree(item, &ETT_PARAM);
        packet.add_string(sub, &PARAM_NAME, p.name_span.range(), &p.name);
        packet.add_string(sub, &PARAM_VALUE, p.value_span.range(), value);
    }
}

/// An EMService request body: a form whose `xml` field holds the document.
fn decode_emservice_body<'d>(
    packet: &mut Packet<'d>,
    tree: Tree<'d>,
    inputs: &HttpInputs,
    origins: Origins<'d>,
) -> Option<EmServiceDoc> {
    let form = parse_form(inputs.body.as_deref()?);
    packet.place(origins.body);
    for problem in &form.problems {
        packet.expert_at(
            tree,
            &MALFORMED,
            problem.span.range(),
            &problem.kind.to_string(),
        );
    }
    let xml = query::param(&form.params, "xml")?;
    let doc = parse_emservice(xml.value.as_bytes());
    // The document was percent-encoded: its own offsets do not match the
    // bytes, so its items highlight the whole xml= value.
    super::response::add_emservice(packet, tree, &doc, Some(xml.value_span.range()));
    Some(doc)
}

/// On a request, the frame of its response (known once HTTP has seen it:
/// on a second pass or when the frame is selected in the GUI).
fn link_response<'d>(packet: &mut Packet<'d>, tree: Tree<'d>, response: Option<u32>) {
    match response {
        Some(frame) => {
            let item = packet.add_uint(tree, &RESPONSE_IN, 0..0, frame);
            packet.set_generated(item);
        }
        None if packet.visited() => {
            packet.expert_at(
                tree,
                &UNPAIRED,
                0..0,
                "No response to this request in the capture",
            );
        }
        None => {}
    }
}
