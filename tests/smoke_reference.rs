//! The reference messages decode to the listed fields and encode back to the same bytes.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
use iso8583_wire::{Message, MessageView, Spec};

const REQ: &[u8] = b"02007238048028C080001642424242424242420000000000000100001123132500123456132500112305100374242424242424242=29122011000000000000123456789012TERM0001MERCHANT0000001840";

#[test]
fn decodes_reference_0200() {
    let spec = Spec::builtin("iso8583-1987-ascii").unwrap();
    let v = MessageView::decode(spec, REQ).unwrap();
    assert_eq!(v.mti().as_str(), "0200");
    assert_eq!(v.field(2).unwrap().as_str().unwrap(), "4242424242424242");
    assert_eq!(
        v.field(35).unwrap().as_str().unwrap(),
        "4242424242424242=29122011000000000000"
    );
    assert_eq!(v.field(49).unwrap().to_u64().unwrap(), 840);
    assert_eq!(v.fields().count(), 14);
    let m = Message::from_view(&v);
    assert_eq!(m.to_vec(spec).unwrap(), REQ);
    println!("{v}");
    println!("{v:?}");
}

#[test]
fn loads_every_builtin_spec() {
    for name in Spec::builtin_names() {
        let text = std::fs::read_to_string(format!("specs/{name}.toml")).unwrap();
        if let Err(e) = Spec::from_toml_str(&text) {
            panic!("{name}: {e}");
        }
        assert!(Spec::builtin(name).is_some(), "{name}");
    }
}
