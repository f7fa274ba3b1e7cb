//! Per-cluster trust material and the files its TFTP service serves: certificates, the
//! ITL, the signed device configuration and the signed softkey template.
//!
//! Everything is derived from the cluster's label, so the visiting cluster's TVS
//! certificate in its ITL is the very certificate its TVS presents over TLS.

use crate::phone_config::{device_config, softkey_template, ConfigKind, ConfigSpec};
use crate::prng::Prng;
use crate::topology::{Cluster, PhoneId};
use crate::trustlist::{self, Function, Record};
use crate::x509::{
    self, CertSpec, Certificate, EKU_CLIENT_AUTH, EKU_IPSEC_END_SYSTEM, EKU_SERVER_AUTH,
};
use x509_cert::der::oid::ObjectIdentifier;

pub const SOFTKEY_FILE: &str = "SKb0ec918f-b9ee-994b-57ae-345883c1fde8.xml";

pub struct Trust {
    pub callmanager: Certificate,
    pub tvs: Certificate,
    pub capf: Certificate,
    /// Signs the ITL (CUCM 10 and later sign it with the ITLRecovery key).
    pub recovery: Certificate,
}

fn certificate(
    c: &Cluster,
    role: &str,
    common_name: &str,
    eku: &[ObjectIdentifier],
) -> Certificate {
    // Service certificates carry the node's FQDN as a subjectAltName too.
    let dns_name = (common_name == c.fqdn).then_some(&*c.fqdn);
    let ou = format!("Collaboration {}", c.cluster_id);
    let name = [
        ("C", "US"),
        ("ST", "NC"),
        ("L", "RTP"),
        ("O", "EMCC Lab"),
        ("OU", ou.as_str()),
        ("CN", common_name),
    ];
    x509::build(&CertSpec {
        subject: &name,
        issuer: &name,
        not_before: &c.certs_not_before,
        not_after: &c.certs_not_after,
        extended_key_usage: eku,
        dns_name,
        label: &format!("{} {role}", c.label),
    })
}

pub fn trust(c: &Cluster) -> Trust {
    let capf_cn = format!(
        "CAPF-{}",
        Prng::from_label(&format!("{} capf id", c.label)).hex(8)
    );
    let recovery_cn = format!("ITLRECOVERY_{}", c.fqdn);
    Trust {
        callmanager: certificate(
            c,
            "callmanager",
            &c.fqdn,
            &[EKU_SERVER_AUTH, EKU_CLIENT_AUTH, EKU_IPSEC_END_SYSTEM],
        ),
        tvs: certificate(c, "tvs", &c.fqdn, &[EKU_SERVER_AUTH, EKU_CLIENT_AUTH]),
        capf: certificate(c, "capf", &capf_cn, &[EKU_SERVER_AUTH]),
        recovery: certificate(c, "itlrecovery", &recovery_cn, &[EKU_SERVER_AUTH]),
    }
}

/// `ITLSEP<MAC>.tlv`: every trusted role of the cluster, signed by ITLRecovery.
pub fn itl(c: &Cluster) -> Vec<u8> {
    let t = trust(c);
    let record = |function, cert| Record {
        dns_name: &c.fqdn,
        function,
        cert,
        ip: c.host.ip,
    };
    trustlist::trust_list(
        &t.recovery,
        "ITLFile.tlv",
        c.files_unix,
        &[
            record(Function::Sast, &t.recovery),
            record(Function::CcmTftp, &t.callmanager),
            record(Function::Tvs, &t.tvs),
            record(Function::Capf, &t.capf),
        ],
    )
}

/// `CTLSEP<MAC>.tlv` of a cluster in mixed mode, set up without hardware tokens
/// ("tokenless"): the signer is the CallManager certificate, listed as the SAST, next to
/// the node's CCM+TFTP and CAPF certificates and the ITLRecovery certificate.
pub fn ctl(c: &Cluster) -> Vec<u8> {
    let t = trust(c);
    let record = |function, cert| Record {
        dns_name: &c.fqdn,
        function,
        cert,
        ip: c.host.ip,
    };
    trustlist::trust_list(
        &t.callmanager,
        "CTLFile.tlv",
        c.files_unix,
        &[
            record(Function::Sast, &t.callmanager),
            record(Function::CcmTftp, &t.callmanager),
            record(Function::Capf, &t.capf),
            record(Function::Sast, &t.recovery),
        ],
    )
}

/// What the phone reports as ITL_Signature once this cluster's ITL is installed: 20 hex
/// bytes, space separated, with the phone's trailing space. How phones derive it is not
/// documented, so it is a fixed per-cluster value here.
pub fn itl_signature_text(c: &Cluster) -> String {
    Prng::from_label(&format!("{} itl signature", c.label))
        .bytes(20)
        .iter()
        .map(|b| format!("{b:02X} "))
        .collect()
}

/// A version stamp as CUCM writes it: epoch seconds and a UUID.
pub fn version_stamp(c: &Cluster, what: &str, unix: u64) -> String {
    let mut r = Prng::from_label(&format!("{} {what} stamp", c.label));
    format!(
        "{unix}-{}-{}-{}-{}-{}",
        r.hex(8),
        r.hex(4),
        r.hex(4),
        r.hex(4),
        r.hex(12)
    )
}

/// `SEP<MAC>.cnf.xml.sgn`: the signature header, then the configuration XML.
pub fn signed_config(
    phone: &PhoneId,
    c: &Cluster,
    visiting: &Cluster,
    kind: ConfigKind,
    stamp_unix: u64,
) -> Vec<u8> {
    let stamp = version_stamp(c, "config", stamp_unix);
    let xml = device_config(&ConfigSpec {
        phone,
        cluster: c,
        visiting,
        kind,
        version_stamp: &stamp,
    });
    let name = format!("{}.cnf.xml", phone.device_name);
    trustlist::signed_file(
        &trust(c).callmanager,
        &name,
        stamp_unix as u32,
        xml.as_bytes(),
    )
}

pub fn signed_softkeys(c: &Cluster) -> Vec<u8> {
    let stamp = version_stamp(c, "softkey", u64::from(c.files_unix));
    let xml = softkey_template(&stamp);
    trustlist::signed_file(
        &trust(c).callmanager,
        SOFTKEY_FILE,
        c.files_unix,
        xml.as_bytes(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::topology::{HOME, VISITING};

    #[test]
    fn clusters_differ_and_are_stable() {
        assert_eq!(itl(&VISITING), itl(&VISITING));
        assert_ne!(itl(&VISITING), itl(&HOME));
        assert_ne!(itl_signature_text(&VISITING), itl_signature_text(&HOME));
        let sig = itl_signature_text(&VISITING);
        assert_eq!(sig.len(), 60);
        assert!(sig.ends_with(' '));
    }

    #[test]
    fn ctl_differs_from_itl_and_spans_several_tftp_blocks() {
        let ctl = ctl(&HOME);
        assert_ne!(ctl, itl(&HOME));
        assert!(ctl.len() > 8 * 512, "CTL only {} bytes", ctl.len());
    }

    #[test]
    fn itl_spans_several_segments() {
        let n = itl(&HOME).len();
        assert!(n > 3 * 1448, "ITL only {n} bytes");
    }
}
