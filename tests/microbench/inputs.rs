//! The parsers of single bodies, files and header values: typical inputs from the
//! fuzz seed corpus (bodies cut from the generated captures), and the inputs each
//! parser works hardest on, at the largest size it reads.

use std::hint::black_box;

use emcc::harness::{ciscoalarm, ciscoremotecc, ciscotl, ciscotvs, emcc as emapp};

use crate::Case;

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fuzz/corpus");

/// Seed names of inputs made broken on purpose: not typical.
const BROKEN: &[&str] = &["malformed", "truncated", "cut-", "unknown-tag"];

/// A body over SIP or HTTP: no parser limits it, 64 KiB is far beyond any real one.
const BODY: usize = 64 * 1024;

/// The seeds of a fuzz target's corpus whose names contain `part`, broken ones left out.
fn seeds(target: &str, part: &str) -> Vec<Vec<u8>> {
    let dir = format!("{CORPUS}/{target}");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .map(|e| {
            e.expect("corpus entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|n| n.contains(part) && !BROKEN.iter().any(|b| n.contains(b)))
        .collect();
    names.sort();
    assert!(!names.is_empty(), "no seeds in {dir} matching {part:?}");
    names
        .iter()
        .map(|n| std::fs::read(format!("{dir}/{n}")).expect("seed"))
        .collect()
}

fn total(inputs: &[Vec<u8>]) -> usize {
    inputs.iter().map(Vec::len).sum()
}

fn text(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).expect("UTF-8 seed")
}

/// `head`, then `unit(0)`, `unit(1)` ... while the whole stays within `size`, then
/// `tail`.
fn fill(head: &str, unit: impl Fn(usize) -> String, tail: &str, size: usize) -> Vec<u8> {
    let mut out = head.to_string();
    for i in 0.. {
        let next = unit(i);
        if out.len() + next.len() + tail.len() > size {
            break;
        }
        out.push_str(&next);
    }
    out.push_str(tail);
    out.into_bytes()
}

/// `n` nested elements named `name` (opened, then closed).
fn nested(name: &str, n: usize) -> String {
    format!("<{name}>").repeat(n) + &format!("</{name}>").repeat(n)
}

/// One element `<{open} ..>` of as many distinct attributes as fit in [`BODY`],
/// inside `outer` (which holds `{}` where it goes).
fn attributes(open: &str, close: &str, outer: &str) -> Vec<u8> {
    let (before, after) = outer.split_once("{}").expect("outer has a {}");
    let head = format!("{before}<{open}");
    let tail = format!(">{close}{after}");
    fill(&head, |i| format!(" a{i}=\"v{i}\""), &tail, BODY)
}

/// A case parsing each of `inputs` per run.
fn each<T>(
    parser: &'static str,
    case: &str,
    inputs: Vec<Vec<u8>>,
    parse: impl Fn(&[u8]) -> T + 'static,
) -> Case {
    Case::bytes(parser, case, total(&inputs), move || {
        for input in &inputs {
            black_box(parse(black_box(input)));
        }
    })
}

/// A case parsing each of `inputs` as text (`parse` black-boxes what it finds).
fn each_str(
    parser: &'static str,
    case: &str,
    inputs: Vec<String>,
    parse: impl Fn(&str) + 'static,
) -> Case {
    let bytes = inputs.iter().map(String::len).sum();
    Case::bytes(parser, case, bytes, move || {
        for input in &inputs {
            parse(black_box(input));
        }
    })
}

pub fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    cases.extend(alarm());
    cases.extend(alarm_values());
    cases.extend(reason());
    cases.extend(remotecc());
    cases.extend(emapp_query());
    cases.extend(phone_xml());
    cases.extend(emservice());
    cases.extend(tvs());
    cases.extend(trust_list());
    cases.extend(signed_config());
    cases
}

fn alarm() -> Vec<Case> {
    const P: &str = "alarm XML";
    let parse = ciscoalarm::parse_alarm_document;
    let head = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<x-cisco-alarm>\n<Alarm Name=\"LastOutOfServiceInformation\">\n<ParameterList>\n";
    let tail = "</ParameterList>\n</Alarm>\n</x-cisco-alarm>\n";
    // Every character a reference: the slowest text there is.
    let refs = "&amp;&lt;&#x41;&#66;&quot;".repeat(8);
    let params = fill(
        head,
        |i| format!("<String name=\"Param{i}\">{refs}</String>\n"),
        tail,
        BODY,
    );
    let long_value = fill(
        &format!("{head}<String name=\"LastProtocolEventSent\">"),
        |_| "&#x41;".to_string(),
        &format!("</String>\n{tail}"),
        BODY,
    );
    let latin1 = fill(
        &head.replace("UTF-8", "ISO-8859-1"),
        |i| format!("<String name=\"P{i}\">caf\u{e9} cr\u{e8}me br\u{fb}l\u{e9}e</String>\n"),
        tail,
        BODY,
    );
    let latin1: Vec<u8> = String::from_utf8(latin1)
        .expect("built as UTF-8")
        .chars()
        .map(|c| u8::try_from(u32::from(c)).expect("Latin-1"))
        .collect();
    // Every other byte of each value not UTF-8 (the phone said UTF-8).
    let bad_utf8 = fill(
        head,
        |i| format!("<String name=\"P{i}\">{}</String>\n", "a\u{1}".repeat(60)),
        tail,
        BODY,
    )
    .into_iter()
    .map(|b| if b == 1 { 0xff } else { b })
    .collect();
    let deep = format!("{head}{}{tail}", nested("a", (BODY - 100) / 7)).into_bytes();
    let alarms = fill(
        "<x-cisco-alarm>\n",
        |i| {
            format!("<Alarm Name=\"DeviceTLInfo\"><ParameterList><String name=\"DeviceName\">SEP{i:012}</String></ParameterList></Alarm>\n")
        },
        "</x-cisco-alarm>\n",
        BODY,
    );
    vec![
        each(P, "typical (corpus)", seeds("alarm_xml", ""), parse),
        each(P, "params of references", vec![params], parse),
        each(P, "one value of references", vec![long_value], parse),
        each(P, "ISO-8859-1 text", vec![latin1], parse),
        each(P, "invalid UTF-8 text", vec![bad_utf8], parse),
        each(P, "nesting 9k deep", vec![deep], parse),
        each(P, "many alarms", vec![alarms], parse),
        each(
            P,
            "many attributes",
            vec![attributes(
                "Alarm Name=\"DeviceTLInfo\"",
                "</Alarm>",
                "<x-cisco-alarm>{}</x-cisco-alarm>",
            )],
            parse,
        ),
    ]
}

/// Typed alarm values: a DeviceTLInfo signature, a protocol event. The parameter
/// values they read are at most 4096 characters (the alarm parser's MAX_VALUE_LEN).
fn alarm_values() -> Vec<Case> {
    const P: &str = "alarm values";
    let max = 4096;
    let signature = |s: &str| drop(black_box(ciscoalarm::decode_hex_signature(s)));
    let event = |s: &str| drop(black_box(ciscoalarm::split_protocol_event(s)));
    let typical_signature = "79 39 7B 91 55 23 29 6C 89 A2 6E 8D BB EA 64 E3 AA 61 58 3D ";
    let typical_events = [
        "Sent:REGISTER sip:192.168.110.100 SIP/2.0 Cseq:336 REGISTER CallId:c4b9cd80-86470022-467f1380-3b60328a@192.168.15.20 ",
        "Rcvd:SIP/2.0 200 OK Cseq:122 REGISTER CallId:c4b9cd80-86470003-6438bc5f-78ebaf4c@192.168.15.22 ",
    ];
    let long_signature = "7B ".repeat(max / 3);
    // Near misses of the markers it looks for, all the way.
    let long_event = fill(
        "Sent:REGISTER sip:a SIP/2.0 ",
        |_| "Cseq CallId ".into(),
        "",
        max,
    );
    vec![
        each_str(
            P,
            "typical signature",
            vec![typical_signature.into()],
            signature,
        ),
        each_str(
            P,
            "typical events",
            typical_events.map(String::from).into(),
            event,
        ),
        each_str(P, "4 KiB signature", vec![long_signature], signature),
        each_str(P, "4 KiB event", vec![text(long_event)], event),
    ]
}

fn reason() -> Vec<Case> {
    const P: &str = "Reason header";
    let parse = |s: &str| drop(black_box(ciscoalarm::parse_reason(s)));
    let max = 4096; // MAX_REASON_LEN
    let typical: Vec<String> = seeds("reason", "").into_iter().map(text).collect();
    let head = "SIP;cause=200;text=\"cisco-alarm:25 Name=SEPC80084AA8743";
    let pairs = fill(head, |i| format!(" K{i}=v{i}"), "\"", max);
    let words = fill(head, |i| format!(" w{i}"), "\"", max);
    let values = fill(
        "",
        |i| format!("Q.850;cause={i};text=\"a\\\"b;c,d\","),
        "SIP;cause=200;text=\"cisco-alarm:25 Name=SEP1\"",
        max,
    );
    vec![
        each_str(P, "typical (corpus)", typical, parse),
        each_str(P, "many pairs", vec![text(pairs)], parse),
        each_str(P, "words without =", vec![text(words)], parse),
        each_str(P, "many reason values", vec![text(values)], parse),
    ]
}

fn remotecc() -> Vec<Case> {
    const P: &str = "remotecc";
    let parse = ciscoremotecc::parse_remotecc;
    let options = fill(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<x-cisco-remotecc-request>\n<optionsind>\n",
        |i| format!("<dialog usage=\"hook status {i}\"><unot></unot><sub></sub></dialog>\n"),
        "</optionsind>\n</x-cisco-remotecc-request>\n",
        BODY,
    );
    let operations = fill(
        "<x-cisco-remotecc-request>\n",
        |i| format!("<operation{i}><contact all=\"true\"><register/></contact></operation{i}>\n"),
        "</x-cisco-remotecc-request>\n",
        BODY,
    );
    let deep = format!(
        "<x-cisco-remotecc-request>{}</x-cisco-remotecc-request>",
        nested("a", (BODY - 60) / 7)
    );
    vec![
        each(P, "typical (corpus)", seeds("remotecc", ""), parse),
        each(P, "many options", vec![options], parse),
        each(P, "many operations", vec![operations], parse),
        each(
            P,
            "many attributes",
            vec![attributes(
                "dialog usage=\"hook status\"",
                "</dialog>",
                "<x-cisco-remotecc-request><optionsind>{}</optionsind></x-cisco-remotecc-request>",
            )],
            parse,
        ),
        each(P, "nesting 9k deep", vec![deep.into_bytes()], parse),
    ]
}

fn emapp_query() -> Vec<Case> {
    const P: &str = "EMApp query";
    let target = |s: &str| drop(black_box(emapp::parse_target(s)));
    let max = 64 * 1024; // MAX_TARGET_LEN, MAX_FORM_LEN
    let targets: Vec<String> = seeds("emapp_query", "-uri-")
        .into_iter()
        .map(text)
        .collect();
    let forms = seeds("emapp_query", "-form-");
    // 64 parameters (the most kept), every byte percent-encoded.
    let escaped = |n: usize| "%3C%41%e9".repeat(n);
    let per_param = max / 64 / 9 - 1;
    let escaped_target = fill(
        "/emapp/EMAppServlet?device=SEPC80084AA8743",
        |i| format!("&p{i}={}", escaped(per_param)),
        "",
        max,
    );
    let form = fill("", |i| format!("xml{i}={}&", escaped(per_param)), "", max);
    // The post EMApp really sends, its XML grown to the limit.
    let xml_form = fill(
        "xml=%3C%3Fxml+version%3D%221.0%22%3F%3E%0A%3CemccRequest%3E",
        |_| "%3Cuser+id%3D%22adgjm%22%2F%3E%0A".to_string(),
        "%3C%2FemccRequest%3E",
        max,
    );
    vec![
        each_str(P, "typical target (corpus)", targets, target),
        each(P, "typical form (corpus)", forms, emapp::parse_form),
        each_str(P, "target of escapes", vec![text(escaped_target)], target),
        each(P, "form of escapes", vec![form], emapp::parse_form),
        each(P, "one 64 KiB xml field", vec![xml_form], emapp::parse_form),
    ]
}

fn phone_xml() -> Vec<Case> {
    const P: &str = "phone XML";
    let parse = emapp::parse_phone_xml;
    let menu = fill(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<CiscoIPPhoneMenu>\n<Title>Extension Mobility</Title>\n",
        |i| format!("<MenuItem><Name>Item {i}</Name><URL>http://192.168.7.100:8080/emapp/EMAppServlet?device=SEPC80084AA8743&amp;EMCC=true&amp;n={i}</URL></MenuItem>\n"),
        "</CiscoIPPhoneMenu>\n",
        BODY,
    );
    let text_refs = fill(
        "<CiscoIPPhoneText><Title>Error</Title><Text>[201] ",
        |_| "&amp;&#x41;&lt;".to_string(),
        "</Text></CiscoIPPhoneText>",
        BODY,
    );
    let deep = format!(
        "<CiscoIPPhoneText>{}</CiscoIPPhoneText>",
        nested("a", (BODY - 40) / 7)
    );
    vec![
        each(P, "typical (corpus)", seeds("phone_xml", ""), parse),
        each(P, "menu of many URLs", vec![menu], parse),
        each(P, "text of references", vec![text_refs], parse),
        each(
            P,
            "many attributes",
            vec![attributes(
                "ExecuteItem Priority=\"0\" URL=\"Init:Services\"",
                "</ExecuteItem>",
                "<CiscoIPPhoneExecute>{}</CiscoIPPhoneExecute>",
            )],
            parse,
        ),
        each(P, "nesting 9k deep", vec![deep.into_bytes()], parse),
    ]
}

fn emservice() -> Vec<Case> {
    const P: &str = "EMService XML";
    let parse = emapp::parse_emservice;
    let users = fill(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<request><appInfo><appID>CCMSysUser</appID><appCertificate>secret</appCertificate></appInfo><login>\n",
        |i| format!("<user id=\"user{i}\"/><device name=\"SEP{i:012}\"/><deviceProfile>profile&amp;{i}</deviceProfile>\n"),
        "</login></request>\n",
        BODY,
    );
    let deep = format!("<request>{}</request>", nested("a", (BODY - 30) / 7));
    vec![
        each(P, "typical (corpus)", seeds("emservice", ""), parse),
        each(P, "many users and devices", vec![users], parse),
        each(
            P,
            "many attributes",
            vec![attributes(
                "user id=\"adgjm\"",
                "</user>",
                "<request><login>{}</login></request>",
            )],
            parse,
        ),
        each(P, "nesting 9k deep", vec![deep.into_bytes()], parse),
    ]
}

/// A TVS message: 10-byte header, then `tlvs`.
fn tvs_message(command: u8, session: u32, tlvs: &[u8]) -> Vec<u8> {
    let mut out = vec![0x57, 1, command, 0];
    out.extend_from_slice(&session.to_be_bytes());
    out.extend_from_slice(&(tlvs.len() as u16).to_be_bytes());
    out.extend_from_slice(tlvs);
    out
}

fn tlv(tag: u8, value: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    out.extend_from_slice(&(value.len() as u16).to_be_bytes());
    out.extend_from_slice(value);
    out
}

fn tvs() -> Vec<Case> {
    const P: &str = "TVS messages";
    let parse = |data: &[u8]| ciscotvs::parse_messages(data, true);
    // 64 messages (the most decoded) of 64 TLVs (the most decoded per message).
    let many = |tlv_value: &dyn Fn(usize) -> Vec<u8>| -> Vec<u8> {
        (0..64u32)
            .flat_map(|m| {
                let tlvs: Vec<u8> = (0..64).flat_map(tlv_value).collect();
                tvs_message(2, m, &tlvs)
            })
            .collect()
    };
    let statuses = many(&|_| tlv(7, &[0]));
    let roles = many(&|_| tlv(8, &[0, 0, 0, 2, 0, 21, 0, 99].repeat(8)));
    let names = many(&|i| tlv(1, format!("SEP{i:012}").as_bytes()));
    vec![
        each(P, "typical (corpus)", seeds("tvs_messages", ""), parse),
        each(P, "64x64 status TLVs", vec![statuses], parse),
        each(P, "64x64 roles TLVs", vec![roles], parse),
        each(P, "64x64 name TLVs", vec![names], parse),
    ]
}

/// The largest file the trust list and signed file parsers read (MAX_FILE).
const FILE: usize = 1024 * 1024;

/// A trust list header as certutils' `tlvfile` writes it: 2-byte header length, signer ID
/// container, one-byte key-size index, bare 0x0D padding to a 4-byte boundary.
fn trust_header() -> Vec<u8> {
    let signer = b"CN=ITLRECOVERY_cucm-vc.lab.local;OU=Collaboration ClusterOne;O=EMCC Lab";
    let algorithm = [tlv(10, &[0]), tlv(11, &[2])].concat();
    let signer_id = [
        tlv(4, signer),
        tlv(5, &[0x12, 0x34, 0x56, 0x78, 0x9a]),
        tlv(6, signer),
    ]
    .concat();
    let mut out = [
        tlv(1, &[1, 2]),
        tlv(2, &[0, 0]),
        tlv(3, &signer_id),
        tlv(7, &[tlv(8, &[2]), tlv(9, &algorithm)].concat()),
        tlv(12, &[0xa5; 256]),
        tlv(14, b"ITLSEPC80084AA8743.tlv"),
        tlv(15, &1_700_000_000u32.to_be_bytes()),
    ]
    .concat();
    while out.len() % 4 != 0 {
        out.push(0x0D);
    }
    let len = (out.len() as u16).to_be_bytes();
    out[8..10].copy_from_slice(&len);
    out
}

/// Records of `body` TLVs each, as many as fit in [`FILE`] (the parser reads 256).
fn records(body: &[u8]) -> Vec<u8> {
    let mut out = trust_header();
    let record_len = (5 + body.len()) as u16;
    while out.len() + 5 + body.len() <= FILE {
        out.extend(tlv(1, &record_len.to_be_bytes()));
        out.extend_from_slice(body);
    }
    out
}

fn trust_list() -> Vec<Case> {
    const P: &str = "CTL/ITL file";
    let parse = ciscotl::parse_trust_list;
    // 16 records of 64 KiB, each of empty TLVs of an unknown tag (every 3 bytes a TLV).
    let unknown = records(&tlv(99, &[]).repeat(21_000));
    // 256 records of 4 KiB of text TLVs (names and subjects), each repeated.
    let texts: Vec<u8> = (0..200u8)
        .flat_map(|i| tlv(2 + i % 2, b"cucm-vc.lab.local"))
        .collect();
    let texts = records(&texts);
    // No header length: the header runs on to the end of the file, here in empty TLVs
    // of an unknown tag.
    let mut header_only = tlv(1, &[1, 2]);
    while header_only.len() + 3 <= FILE {
        header_only.extend(tlv(99, &[]));
    }
    vec![
        each(P, "typical (corpus)", seeds("trust_list", ""), parse),
        each(P, "1 MiB of empty TLVs", vec![unknown], parse),
        each(P, "1 MiB of text TLVs", vec![texts], parse),
        each(P, "1 MiB header", vec![header_only], parse),
    ]
}

fn signed_config() -> Vec<Case> {
    const P: &str = "signed config";
    // What the ciscotl dissector does with a signed configuration: the header, then
    // the facts of the XML after it.
    let parse = |data: &[u8]| {
        let file = ciscotl::parse_signed(data);
        let xml = file.xml_start.map_or(data, |start| &data[start..]);
        (file, ciscotl::config_facts(xml))
    };
    let signed = |xml: Vec<u8>| [trust_header(), xml].concat();
    let room = FILE - trust_header().len();
    let servers = fill(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<device>\n",
        |i| {
            format!("<callManager><name>cm{i}.lab.local</name><processNodeName>10.0.{}.{}&amp;x</processNodeName></callManager>\n", i / 256 % 256, i % 256)
        },
        "</device>\n",
        room,
    );
    // Leaves that are not known names: each is searched for the EMApp URL.
    let leaves = fill(
        "<device>\n",
        |i| {
            format!(
                "<servicesURL{}>http://192.168.7.100:8080/emapp/EMAppServle</servicesURL{0}>\n",
                i % 10
            )
        },
        "</device>\n",
        room,
    );
    let deep = format!("<device>{}</device>", nested("a", (room - 20) / 7));
    vec![
        each(P, "typical (corpus)", seeds("signed_config", ""), parse),
        each(P, "1 MiB of servers", vec![signed(servers)], parse),
        each(P, "1 MiB of URL-like leaves", vec![signed(leaves)], parse),
        each(
            P,
            "nesting 150k deep",
            vec![signed(deep.into_bytes())],
            parse,
        ),
    ]
}
