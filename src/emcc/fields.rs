//! What `emcc` registers. Field abbreviations are a public interface: never
//! rename them.
use super::codes::{EMAPP_ERRORS, EMSERVICE_ERRORS};
use crate::epan::{BoolPref, Expert, ExpertGroup, Field, FieldKind, Protocol, Severity, Subtree};

pub static SERVLET: Field = Field::new(
    "emcc.servlet",
    "Servlet",
    FieldKind::String,
    "The Extension Mobility servlet addressed: EMAppServlet, EMServiceServlet, or the JSP page name.",
);
pub static ACTION: Field = Field::new(
    "emcc.action",
    "Action",
    FieldKind::String,
    "What the request means in the login: service-entry, login-submit, refresh, init-services, logout; for EMService login, logout, logout-all, query, profile-query (userDeviceProfileQuery), check-user, emcc-login, emcc-logout.",
);
pub static DEVICE: Field = Field::new(
    "emcc.device",
    "Device",
    FieldKind::String,
    "The device parameter: the phone the request is about (SEP followed by its MAC).",
);
pub static EMCC_MODE: Field = Field::new(
    "emcc.emcc_mode",
    "EMCC",
    FieldKind::Bool,
    "The EMCC parameter: true when the login is cross-cluster.",
);
pub static USERID: Field = Field::new(
    "emcc.userid",
    "User ID",
    FieldKind::String,
    "The userid parameter: who logs in.",
);
pub static LOGIN_TYPE: Field = Field::new(
    "emcc.login_type",
    "Login Type",
    FieldKind::String,
    "The loginType parameter: UID (user id and PIN), DN (extension and PIN) or SP (self-service id and PIN).",
);
pub static REFRESH: Field = Field::new(
    "emcc.refresh",
    "Refresh",
    FieldKind::String,
    "The refresh parameter, e.g. SEP...#Login: the phone asks for the outcome of its login.",
);
pub static LANG: Field = Field::new(
    "emcc.lang",
    "Language",
    FieldKind::String,
    "The lang parameter: the phone's locale.",
);
pub static CHARSET: Field = Field::new(
    "emcc.charset",
    "Charset",
    FieldKind::String,
    "The charset parameter.",
);
pub static PIN_PRESENT: Field = Field::new(
    "emcc.pin_present",
    "PIN Present",
    FieldKind::Bool,
    "True when the request carries the user's PIN (the seq parameter).",
);
pub static PIN: Field = Field::new(
    "emcc.pin",
    "PIN",
    FieldKind::String,
    "The seq parameter: the user's PIN, masked unless the emcc.reveal_pin preference is set.",
);
pub static PARAM: Field = Field::new(
    "emcc.param",
    "Parameter",
    FieldKind::Label,
    "One query or form parameter, percent-decoded, in the order sent (known and unknown alike).",
);
pub static PARAM_NAME: Field = Field::new(
    "emcc.param.name",
    "Parameter Name",
    FieldKind::String,
    "The parameter's name.",
);
pub static PARAM_VALUE: Field = Field::new(
    "emcc.param.value",
    "Parameter Value",
    FieldKind::String,
    "The parameter's value, percent-decoded (the PIN masked unless revealed).",
);
pub static RESPONSE_OBJECT: Field = Field::new(
    "emcc.response.object",
    "Phone Object",
    FieldKind::String,
    "The root element of the Cisco IP phone XML object answered, e.g. CiscoIPPhoneInput (a form) or CiscoIPPhoneText.",
);
pub static RESPONSE_TITLE: Field = Field::new(
    "emcc.response.title",
    "Title",
    FieldKind::String,
    "The Title the phone shows.",
);
pub static RESPONSE_PROMPT: Field = Field::new(
    "emcc.response.prompt",
    "Prompt",
    FieldKind::String,
    "The Prompt the phone shows.",
);
pub static RESPONSE_TEXT: Field = Field::new(
    "emcc.response.text",
    "Text",
    FieldKind::String,
    "The Text the phone shows.",
);
pub static RESPONSE_URL: Field = Field::new(
    "emcc.response.url",
    "URL",
    FieldKind::String,
    "A URL of the answer: where a form is submitted or what an execute item runs.",
);
pub static ERROR_CODE: Field = Field::new(
    "emcc.error.code",
    "EM Error",
    FieldKind::Uint(Some(EMAPP_ERRORS)),
    "The Extension Mobility application error shown to the phone (EMApp codes 201-216).",
);
pub static ERROR_TEXT: Field = Field::new(
    "emcc.error.text",
    "EM Error Text",
    FieldKind::String,
    "The error message as the phone shows it.",
);
pub static SVC_REQUEST: Field = Field::new(
    "emcc.svc.request",
    "EMService Request",
    FieldKind::String,
    "The operation element of an EMService XML document, e.g. login, checkUser, deviceUserQuery.",
);
pub static SVC_USER: Field = Field::new(
    "emcc.svc.user",
    "EMService User",
    FieldKind::String,
    "A user an EMService document names.",
);
pub static SVC_USER_RAW: Field = Field::new(
    "emcc.svc.user.raw",
    "EMService User (as sent)",
    FieldKind::String,
    "A user id an EMService answer sent percent-encoded (em%40cisco.com), as sent; emcc.svc.user holds it decoded.",
);
pub static SVC_DEVICE: Field = Field::new(
    "emcc.svc.device",
    "EMService Device",
    FieldKind::String,
    "A device an EMService document names.",
);
pub static SVC_PROFILE: Field = Field::new(
    "emcc.svc.profile",
    "Device Profile",
    FieldKind::String,
    "Each device profile an EMService document names or an answer lists (deviceProfileName, deviceProfileN).",
);
pub static SVC_RESULT: Field = Field::new(
    "emcc.svc.result",
    "EMService Result",
    FieldKind::String,
    "success or failure, from the EMService answer.",
);
pub static SVC_ERROR_CODE: Field = Field::new(
    "emcc.svc.error.code",
    "EMService Error",
    FieldKind::Uint(Some(EMSERVICE_ERRORS)),
    "The EMService error code, from an EMService failure or from the phone's 'Login is unavailable (N)' message.",
);
pub static REQUEST_IN: Field = Field::new(
    "emcc.request_in",
    "Request In",
    FieldKind::RequestFrame,
    "The frame of the request this response answers.",
);
pub static RESPONSE_IN: Field = Field::new(
    "emcc.response_in",
    "Response In",
    FieldKind::ResponseFrame,
    "The frame of the response to this request.",
);
pub static TIME: Field = Field::new(
    "emcc.time",
    "Time Since Request",
    FieldKind::RelativeTime,
    "Seconds between the request and this response.",
);

pub static ETT_EMCC: Subtree = Subtree::new();
pub static ETT_PARAM: Subtree = Subtree::new();

pub static ERROR: Expert = Expert::new(
    "emcc.error",
    "Extension Mobility error shown to the user",
    ExpertGroup::ResponseCode,
    Severity::Warn,
);
pub static PIN_IN_CLEAR: Expert = Expert::new(
    "emcc.pin_in_clear",
    "A PIN crossed the network unencrypted",
    ExpertGroup::Security,
    Severity::Warn,
);
pub static LOGIN_OK: Expert = Expert::new(
    "emcc.login_ok",
    "Login accepted",
    ExpertGroup::Sequence,
    Severity::Chat,
);
pub static UNPAIRED: Expert = Expert::new(
    "emcc.unpaired",
    "Request without response, or response without request",
    ExpertGroup::Sequence,
    Severity::Note,
);
pub static MALFORMED: Expert = Expert::new(
    "emcc.malformed",
    "Malformed EMCC request or response",
    ExpertGroup::Malformed,
    Severity::Warn,
);
pub static LIMIT: Expert = Expert::new(
    "emcc.limit",
    "EMCC message exceeds a decoding limit",
    ExpertGroup::Undecoded,
    Severity::Warn,
);
pub static PLUGIN_BUG: Expert = Expert::new(
    "emcc.plugin_bug",
    "Plugin bug while decoding EMCC traffic",
    ExpertGroup::Malformed,
    Severity::Error,
);

pub static REVEAL_PIN: BoolPref = BoolPref::new(
    "reveal_pin",
    "Show the PIN in clear",
    "Show the seq parameter (the user's PIN) as sent instead of masked. Captures get shared: leave this off unless you need the PIN.",
    false,
);

pub static READ_PROTOCOL_TREE: BoolPref = BoolPref::new(
    "read_protocol_tree",
    "Read other protocols from the protocol tree (slower)",
    "Off (the default), the plugin's decoders read SIP, HTTP, TCP and TFTP from what those dissectors hand to taps, which needs no protocol tree, and decide each frame the first time it is dissected with taps. On, they read the protocol tree instead, which makes Wireshark build a tree for every frame (about a third slower). tshark -2 and sharkd, which dissect without taps before they show a frame, are recognised and read the tree anyway: turn this on only for another program that does so. Applies from the next file read.",
    false,
);

pub static MEMORY_LIMIT: Expert = Expert::new(
    "emcc.memory_limit",
    "The plugin's memory limit was reached: later EMCC frames are not decoded",
    ExpertGroup::Undecoded,
    Severity::Warn,
);

pub static PROTOCOL: Protocol = Protocol::new(
    "Cisco Extension Mobility (EMCC)",
    c"EMCC",
    "emcc",
    &[
        &SERVLET,
        &ACTION,
        &DEVICE,
        &EMCC_MODE,
        &USERID,
        &LOGIN_TYPE,
        &REFRESH,
        &LANG,
        &CHARSET,
        &PIN_PRESENT,
        &PIN,
        &PARAM,
        &PARAM_NAME,
        &PARAM_VALUE,
        &RESPONSE_OBJECT,
        &RESPONSE_TITLE,
        &RESPONSE_PROMPT,
        &RESPONSE_TEXT,
        &RESPONSE_URL,
        &ERROR_CODE,
        &ERROR_TEXT,
        &SVC_REQUEST,
        &SVC_USER,
        &SVC_USER_RAW,
        &SVC_DEVICE,
        &SVC_PROFILE,
        &SVC_RESULT,
        &SVC_ERROR_CODE,
        &REQUEST_IN,
        &RESPONSE_IN,
        &TIME,
    ],
    &[&ETT_EMCC, &ETT_PARAM],
    &[
        &ERROR,
        &PIN_IN_CLEAR,
        &LOGIN_OK,
        &UNPAIRED,
        &MALFORMED,
        &LIMIT,
        &MEMORY_LIMIT,
    ],
    &PLUGIN_BUG,
);
