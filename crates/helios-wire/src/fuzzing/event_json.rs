//! Check for the `event_json` target.

use crate::envelope::lenient_value;
use crate::event::EventRecord;

/// Any record that reads, written and read again, is the same record; a typed record that
/// read without findings writes back without findings.
pub fn event_json(data: &[u8]) {
    if data.len() > 1 << 16 {
        return;
    }
    let Ok(value) = lenient_value(data, &mut Vec::new()) else {
        return;
    };
    let Ok((record, findings)) = EventRecord::read(&value) else {
        return;
    };
    let (again, findings_again) =
        EventRecord::read(&record.to_json()).expect("a written record reads");
    assert_eq!(again, record);
    if findings.is_empty() {
        assert!(findings_again.is_empty(), "{findings_again:?}");
    }
}
