//! Cisco remote call control bodies (`application/x-cisco-remotecc-request+xml` and
//! `...-response+xml`) exchanged around a registration.
//!
//! The REGISTER parts and the 200 OK body follow the phone log in the article. What the
//! home cluster's post-registration REFER and the phone's own REFER carry is not shown
//! there: those two bodies are plausible inventions (see captures/README.md).

const XML_DECL: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

/// First REGISTER part: register every line of the phone at once.
pub fn bulk_register_request() -> String {
    format!(
        "{XML_DECL}<x-cisco-remotecc-request>\n<bulkregisterreq>\n<contact all=\"true\">\n\
         <register></register>\n</contact>\n</bulkregisterreq>\n</x-cisco-remotecc-request>\n"
    )
}

/// Second REGISTER part: the phone's remote-call-control capabilities.
pub fn options_indication() -> String {
    let lines = [
        "<x-cisco-remotecc-request>",
        "  <optionsind>",
        "    <combine max=\"6\">",
        "      <remotecc>",
        "        <status></status>",
        "      </remotecc>",
        "      <service-control></service-control>",
        "    </combine>",
        "    <dialog usage=\"hook status\">",
        "      <unot></unot>",
        "      <sub></sub>",
        "    </dialog>",
        "    <dialog usage=\"shared line\">",
        "      <unot></unot>",
        "      <sub></sub>",
        "    </dialog>",
        "    <presence usage=\"blf speed dial\">",
        "      <unot></unot>",
        "      <sub></sub>",
        "    </presence>",
        "    <joinreq></joinreq>",
        "    <cfwdall-anyline></cfwdall-anyline>",
        "    <coaching></coaching>",
        "    <oosalarm></oosalarm>",
        "    <rpid-orig-called></rpid-orig-called>",
        "    <x-cisco-number></x-cisco-number>",
        "    <bfcp></bfcp>",
        "    <ix></ix>",
        "    <gatewayrecording></gatewayrecording>",
        "    <conferenceDisplayInstance></conferenceDisplayInstance>",
        "  </optionsind>",
        "</x-cisco-remotecc-request>",
    ];
    format!("{XML_DECL}{}", lines.join("\n"))
}

/// The registrar's answer in the 200 OK: code 200 and the options it will use.
pub fn options_response() -> String {
    [
        "<x-cisco-remotecc-response>",
        "<response>",
        "<code>200</code>",
        "<optionsind>",
        "<combine max=\"6\">",
        "<remotecc><status/></remotecc>",
        "<service-control/>",
        "</combine>",
        "<dialog usage=\"hook status\"><unot/></dialog>",
        "<dialog usage=\"shared line\"><unot/></dialog>",
        "<presence usage=\"blf speed dial\"><unot/></presence>",
        "<joinreq></joinreq>",
        "<ix/>",
        "<bfcp/>",
        "</optionsind>",
        "</response>",
        "</x-cisco-remotecc-response>",
        "",
    ]
    .join("\n")
}

/// The home cluster's unsolicited state push after registration (invented content):
/// do-not-disturb and hunt-group state for every line.
pub fn cucm_bulk_update() -> String {
    format!(
        "{XML_DECL}<x-cisco-remotecc-request>\n<bulkupdate>\n<contact all=\"true\">\n\
         <dndupdate>\n<state>disable</state>\n<option>ringeroff</option>\n</dndupdate>\n\
         <hlogupdate>\n<status>on</status>\n</hlogupdate>\n</contact>\n</bulkupdate>\n\
         </x-cisco-remotecc-request>\n"
    )
}

/// The text part that rides with the bulk update (invented content): the line's
/// message-waiting summary in RFC 3842 form.
pub fn cucm_bulk_update_text(line_dn: &str, cluster_ip: &str) -> String {
    format!("Messages-Waiting: no\r\nMessage-Account: sip:{line_dn}@{cluster_ip}\r\nVoice-Message: 0/0 (0/0)\r\n")
}

/// The phone's own remote-call-control report after registering (invented content).
pub fn phone_state_report() -> String {
    format!(
        "{XML_DECL}<x-cisco-remotecc-request>\n<dndupdate>\n<state>disable</state>\n\
         <option>ringeroff</option>\n</dndupdate>\n</x-cisco-remotecc-request>\n"
    )
}
