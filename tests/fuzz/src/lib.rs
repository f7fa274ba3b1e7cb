//! What every fuzz target checks beyond "no panic, no hang": the plugin hands
//! each span a parser returns to Wireshark as a byte range of the packet, so a
//! span outside its input would be a bounds error there. And helpers that turn
//! fuzz bytes into sequences of events for the state machines.

use emcc::harness::{NsTime, Span};
pub use libfuzzer_sys::arbitrary::{Result, Unstructured};

/// `span` lies inside an input of `len` bytes.
#[track_caller]
pub fn within(span: Span, len: usize) {
    let end = span.start.checked_add(span.len);
    assert!(
        end.is_some_and(|end| end <= len),
        "span {span:?} outside an input of {len} bytes"
    );
}

/// `value` is exactly the bytes `span` covers in `input` (parsers that borrow
/// from their input).
#[track_caller]
pub fn is_slice(input: &str, span: Span, value: &str) {
    within(span, input.len());
    assert_eq!(
        input.get(span.range()),
        Some(value),
        "span {span:?} does not cover its value"
    );
}

/// Mostly one of `pool` (the words the code under test compares with), now and
/// then any short text: the state machines only react to known words, so pure
/// random strings would rarely reach them.
pub fn word(u: &mut Unstructured, pool: &[&str]) -> Result<String> {
    if u.ratio(7, 8)? {
        Ok((*u.choose(pool)?).to_string())
    } else {
        let len = u.int_in_range(0..=12)?.min(u.len());
        let bytes = u.bytes(len)?;
        Ok(String::from_utf8_lossy(bytes).into_owned())
    }
}

/// `word`, or nothing.
pub fn maybe_word(u: &mut Unstructured, pool: &[&str]) -> Result<Option<String>> {
    Ok(if u.arbitrary()? {
        Some(word(u, pool)?)
    } else {
        None
    })
}

/// A small number most of the time (codes, block numbers), any u32 otherwise.
pub fn number(u: &mut Unstructured, pool: &[u32]) -> Result<u32> {
    if u.ratio(7, 8)? {
        Ok(*u.choose(pool)?)
    } else {
        u.arbitrary()
    }
}

/// Frame times as Wireshark gives them (seconds and nanoseconds of an
/// absolute time): usually a little after the previous frame, sometimes far
/// later, sometimes earlier (captures merged out of order), now and then any
/// value at all (a hostile capture's timestamp).
pub fn next_time(u: &mut Unstructured, previous: NsTime) -> Result<NsTime> {
    Ok(match u.int_in_range(0..=9)? {
        0 if u.ratio(3, 4)? => NsTime::new(
            i64::from(u.arbitrary::<u32>()?),
            i64::from(u.int_in_range(0..=999_999_999u32)?),
        ),
        0 => NsTime::new(u.arbitrary()?, i64::from(u.arbitrary::<i32>()?)),
        1 => {
            let back = NsTime::new(0, i64::from(u.int_in_range(0..=100_000u32)?) * 1_000_000);
            previous.since(back).at_least_zero()
        }
        _ => NsTime::new(
            previous.secs(),
            i64::from(previous.nsecs()) + i64::from(u.int_in_range(0..=120_000u32)?) * 1_000_000,
        ),
    })
}
