//! Trust lists and a signed configuration a decoder must survive, served
//! with HTTP 200 by the visiting cluster on 6970 to the lab phone: a file cut
//! short, a record of length zero (a parser that trusts it never advances),
//! a tag no table knows, a web page instead of a trust list, and a signed
//! configuration whose XML stops in the middle. One download per
//! connection, 1 s apart.

use crate::capture::Capture;
use crate::clock::{secs, us, Micros};
use crate::cluster_files::{itl, signed_config};
use crate::downloads::file;
use crate::lab::{Lab, Node};
use crate::phone_config::ConfigKind;
use crate::topology::{ARTICLE_PHONE, VISITING};
use crate::trustlist::HEADER_LEN_VALUE;

/// The first record's length value: after the header, its tag 1 and the
/// 2-byte length of that TLV.
fn first_record_length_at(itl: &[u8]) -> usize {
    let v = &itl[HEADER_LEN_VALUE..HEADER_LEN_VALUE + 2];
    let header_len = usize::from(u16::from_be_bytes([v[0], v[1]]));
    header_len + 3
}

pub fn malformed() -> Capture {
    let mut lab = Lab::new("ciscotl-malformed");
    let device = &ARTICLE_PHONE.device_name;
    let itl_name = format!("ITL{device}.tlv");
    let good = itl(&VISITING);

    let cut = good[..good.len() * 7 / 10].to_vec();
    let mut zero_record = good.clone();
    let at = first_record_length_at(&good);
    zero_record[at..at + 2].copy_from_slice(&[0, 0]);
    let mut unknown_tag = good.clone();
    unknown_tag.extend_from_slice(&[0xEE, 0x00, 0x04, 0xDE, 0xAD, 0xBE, 0xEF]);
    let web_page = b"<html><body><h1>Service Unavailable</h1></body></html>\n".to_vec();
    let config = signed_config(
        &ARTICLE_PHONE,
        &VISITING,
        &VISITING,
        ConfigKind::Visiting,
        1_552_156_000,
    );
    let config_cut = config[..config.len() - 200].to_vec();

    let cases: [(&str, Vec<u8>, &str); 5] = [
        (
            &itl_name,
            cut,
            "ITL cut at 70% of its length (Content-Length matches the cut body)",
        ),
        (
            &itl_name,
            zero_record,
            "ITL whose first record says its length is 0",
        ),
        (
            &itl_name,
            unknown_tag,
            "ITL with a TLV of unknown tag 0xEE appended",
        ),
        (&itl_name, web_page, "a web page served as the ITL"),
        (
            &format!("{device}.cnf.xml.sgn"),
            config_cut,
            "signed configuration cut 200 bytes before its end, inside the XML",
        ),
    ];
    let mut t: Micros = secs(1);
    for (name, body, what) in cases {
        let response = file(body);
        let f = lab.download(Node::Visiting, t, name, t + us(1_500), &response);
        lab.note(f.response.last, what);
        t += secs(1);
    }
    lab.finish()
}
