//! What `ciscotl` registers. Field abbreviations are a public interface:
//! never rename them.
use super::trustlist::{DIGESTS, FUNCTIONS};
use crate::epan::{Expert, ExpertGroup, Field, FieldKind, Protocol, Severity, Subtree};

pub static FILE: Field = Field::new(
    "ciscotl.file",
    "File",
    FieldKind::String,
    "The file the phone asks for (or is answered about).",
);
pub static FILE_KIND: Field = Field::new(
    "ciscotl.file_kind",
    "File Kind",
    FieldKind::String,
    "What the file is: CTL, ITL, config, signed-config, softkey or other.",
);
pub static DEVICE: Field = Field::new(
    "ciscotl.device",
    "Device",
    FieldKind::String,
    "The device a per-device file belongs to (SEP followed by its MAC).",
);
pub static TRANSPORT: Field = Field::new(
    "ciscotl.transport",
    "Transport",
    FieldKind::String,
    "How the file is fetched: HTTP (port 6970 and others) or TFTP (UDP 69).",
);
pub static RESULT: Field = Field::new(
    "ciscotl.result",
    "Result",
    FieldKind::String,
    "How the download went: ok, not-found, unavailable, http-error, tftp-error or incomplete.",
);
pub static FALLBACK_FROM: Field = Field::new(
    "ciscotl.fallback_from",
    "Fallback From",
    FieldKind::RelatedFrame,
    "On a TFTP request: the failed HTTP download of the same file it falls back from.",
);
pub static SIZE: Field = Field::new(
    "ciscotl.size",
    "Size",
    FieldKind::Uint(None),
    "Bytes of the file received; for a TFTP transfer that did not complete, the part before the first missing block.",
);
pub static TFTP_BLOCKS: Field = Field::new(
    "ciscotl.tftp.blocks",
    "TFTP Blocks",
    FieldKind::Uint(None),
    "TFTP DATA blocks received in order from block 1.",
);
pub static TFTP_BLOCK_SIZE: Field = Field::new(
    "ciscotl.tftp.block_size",
    "TFTP Block Size",
    FieldKind::Uint(None),
    "The transfer's block size: 512, or the blksize the server accepted in its OACK.",
);
pub static TFTP_TSIZE: Field = Field::new(
    "ciscotl.tftp.tsize",
    "TFTP Announced Size",
    FieldKind::Uint(None),
    "The file size the server announced in its OACK (tsize option).",
);
pub static VERSION: Field = Field::new(
    "ciscotl.version",
    "Version",
    FieldKind::String,
    "The header version (major.minor): 1.2 in CTL and ITL files, 1.0 in signed .sgn files.",
);
pub static SIGNER: Field = Field::new(
    "ciscotl.signer",
    "Signer",
    FieldKind::String,
    "Who signed the file: the signer name (tag 4) in the header's signer ID (tag 3).",
);
pub static SIGNER_SERIAL: Field = Field::new(
    "ciscotl.signer.serial",
    "Signer Serial Number",
    FieldKind::Bytes,
    "The serial number of the signer's certificate (tag 5 in the signer ID).",
);
pub static SIGNER_CA_NAME: Field = Field::new(
    "ciscotl.signer.ca_name",
    "Signer CA Name",
    FieldKind::String,
    "The issuer of the signer's certificate (tag 6 in the signer ID).",
);
pub static SIGNER_VERSION: Field = Field::new(
    "ciscotl.signer.version",
    "Signer Version",
    FieldKind::String,
    "The signer version (tag 28, major.minor), written by the open-source certutils.",
);
pub static KEY_SIZE: Field = Field::new(
    "ciscotl.key_size",
    "Key Size",
    FieldKind::Uint(None),
    "The signing key's size in bits, from the one-byte modulus size index (tag 11: 0 512, 1 1024, 2 2048, 3 4096).",
);
pub static DIGEST_ALG: Field = Field::new(
    "ciscotl.digest_alg",
    "Digest Algorithm",
    FieldKind::Uint(Some(DIGESTS)),
    "The digest algorithm of the file's signature.",
);
pub static TIMESTAMP: Field = Field::new(
    "ciscotl.timestamp",
    "Timestamp",
    FieldKind::AbsoluteTime,
    "When the file was signed.",
);
pub static FILENAME: Field = Field::new(
    "ciscotl.filename",
    "File Name",
    FieldKind::String,
    "The file name written in the header.",
);
pub static RECORD: Field = Field::new(
    "ciscotl.record",
    "Record",
    FieldKind::Label,
    "One certificate record of the trust list.",
);
pub static RECORD_FUNCTION: Field = Field::new(
    "ciscotl.record.function",
    "Function",
    FieldKind::Uint(Some(FUNCTIONS)),
    "What the certificate is trusted for: CCM, TFTP, CAPF, TVS, ...",
);
pub static RECORD_DNS_NAME: Field = Field::new(
    "ciscotl.record.dns_name",
    "DNS Name",
    FieldKind::String,
    "The DNS name of the server the record is about.",
);
pub static RECORD_SUBJECT: Field = Field::new(
    "ciscotl.record.subject",
    "Subject",
    FieldKind::String,
    "The certificate's subject name.",
);
pub static RECORD_ISSUER: Field = Field::new(
    "ciscotl.record.issuer",
    "Issuer",
    FieldKind::String,
    "The certificate's issuer name.",
);
pub static RECORD_SERIAL: Field = Field::new(
    "ciscotl.record.serial",
    "Serial Number",
    FieldKind::Bytes,
    "The certificate's serial number.",
);
pub static RECORD_IP: Field = Field::new(
    "ciscotl.record.ip",
    "IP Address",
    FieldKind::String,
    "The IP address of the server the record is about.",
);
pub static SHA1: Field = Field::new(
    "ciscotl.sha1",
    "SHA-1",
    FieldKind::Bytes,
    "SHA-1 of the whole file as downloaded, to compare files across captures.",
);
pub static CFG_CALL_MANAGER: Field = Field::new(
    "ciscotl.cfg.call_manager",
    "Call Manager",
    FieldKind::String,
    "A call manager the configuration points the phone at (where it will register).",
);
pub static CFG_TFTP_SERVER: Field = Field::new(
    "ciscotl.cfg.tftp_server",
    "TFTP Server",
    FieldKind::String,
    "A TFTP or load server the configuration names.",
);
pub static CFG_EMCC_URL: Field = Field::new(
    "ciscotl.cfg.emcc_url",
    "EMCC Service URL",
    FieldKind::String,
    "The Extension Mobility service URL the configuration gives the phone.",
);

pub static ETT_TL: Subtree = Subtree::new();
pub static ETT_RECORD: Subtree = Subtree::new();

pub static CTL_ABSENT: Expert = Expert::new(
    "ciscotl.ctl_absent",
    "No CTL file: the cluster is not in mixed mode (normal)",
    ExpertGroup::ResponseCode,
    Severity::Note,
);
pub static UNAVAILABLE: Expert = Expert::new(
    "ciscotl.unavailable",
    "HTTP download failed: the phone falls back to TFTP",
    ExpertGroup::ResponseCode,
    Severity::Note,
);
pub static FALLBACK_FAILED: Expert = Expert::new(
    "ciscotl.fallback_failed",
    "A file the phone needs is unavailable over HTTP and TFTP",
    ExpertGroup::ResponseCode,
    Severity::Warn,
);
pub static INCOMPLETE: Expert = Expert::new(
    "ciscotl.incomplete",
    "TFTP transfer incomplete in the capture: a block is missing or the capture ends first",
    ExpertGroup::Sequence,
    Severity::Warn,
);
pub static TRANSFER_ABORTED: Expert = Expert::new(
    "ciscotl.transfer_aborted",
    "TFTP transfer ended by an error after some blocks",
    ExpertGroup::ResponseCode,
    Severity::Warn,
);
pub static MALFORMED: Expert = Expert::new(
    "ciscotl.malformed",
    "Malformed trust list or signed file",
    ExpertGroup::Malformed,
    Severity::Warn,
);
pub static UNUSUAL: Expert = Expert::new(
    "ciscotl.unusual",
    "Trust list detail this plugin does not know (shown raw)",
    ExpertGroup::Undecoded,
    Severity::Note,
);
pub static LIMIT: Expert = Expert::new(
    "ciscotl.limit",
    "Trust list exceeds a decoding limit",
    ExpertGroup::Undecoded,
    Severity::Warn,
);
pub static PLUGIN_BUG: Expert = Expert::new(
    "ciscotl.plugin_bug",
    "Plugin bug while decoding a trust list download",
    ExpertGroup::Malformed,
    Severity::Error,
);

pub static MEMORY_LIMIT: Expert = Expert::new(
    "ciscotl.memory_limit",
    "The plugin's memory limit was reached: later trust list and file download frames are not decoded",
    ExpertGroup::Undecoded,
    Severity::Warn,
);

pub static PROTOCOL: Protocol = Protocol::new(
    "Cisco Trust List and Config Download",
    c"CiscoTL",
    "ciscotl",
    &[
        &FILE,
        &FILE_KIND,
        &DEVICE,
        &TRANSPORT,
        &RESULT,
        &FALLBACK_FROM,
        &SIZE,
        &TFTP_BLOCKS,
        &TFTP_BLOCK_SIZE,
        &TFTP_TSIZE,
        &VERSION,
        &SIGNER,
        &SIGNER_SERIAL,
        &SIGNER_CA_NAME,
        &SIGNER_VERSION,
        &KEY_SIZE,
        &DIGEST_ALG,
        &TIMESTAMP,
        &FILENAME,
        &RECORD,
        &RECORD_FUNCTION,
        &RECORD_DNS_NAME,
        &RECORD_SUBJECT,
        &RECORD_ISSUER,
        &RECORD_SERIAL,
        &RECORD_IP,
        &SHA1,
        &CFG_CALL_MANAGER,
        &CFG_TFTP_SERVER,
        &CFG_EMCC_URL,
    ],
    &[&ETT_TL, &ETT_RECORD],
    &[
        &CTL_ABSENT,
        &UNAVAILABLE,
        &FALLBACK_FAILED,
        &INCOMPLETE,
        &TRANSFER_ABORTED,
        &MALFORMED,
        &UNUSUAL,
        &LIMIT,
        &MEMORY_LIMIT,
    ],
    &PLUGIN_BUG,
);
