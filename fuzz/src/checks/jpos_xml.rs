//! The check of target `jpos_xml`.

use iso8583_wire::{Message, MessageView, Spec};

/// The reference 0200 (ISO 8583:1987, all ASCII), decoded with every imported spec.
const REFERENCE_0200: &[u8] = b"02007238048028C080001642424242424242420000000000000100001123132500123456132500112305100374242424242424242=29122011000000000000123456789012TERM0001MERCHANT0000001840";

/// Target `jpos_xml`: any text given to `Spec::from_jpos_xml` imports or fails with a
/// `SpecError` without panicking (a located error points inside the text); a spec that imports
/// decodes the reference 0200 (and re-encodes what decodes) without panicking.
pub fn jpos_xml(data: &[u8]) {
    let Ok(text) = core::str::from_utf8(data) else {
        return;
    };
    let spec = match Spec::from_jpos_xml(text) {
        Ok(spec) => spec,
        Err(e) => {
            let _ = e.to_string();
            if let Some(at) = e.location() {
                assert!(at.line() >= 1 && at.line() <= text.split('\n').count());
                assert!(at.column() >= 1);
            }
            return;
        }
    };
    for (n, fs) in spec.fields() {
        assert_eq!(spec.field(n), Some(fs));
    }
    if let Ok(view) = MessageView::decode(&spec, REFERENCE_0200) {
        let message = Message::from_view(&view);
        let _ = message.encoded_len(&spec);
        let _ = message.to_vec(&spec);
    }
}
