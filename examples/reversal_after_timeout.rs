//! A sale was sent in full and no answer came: decide what to do, and how to read field 39 of the
//! reversal that follows.
//!
//! Run with `cargo run --example reversal_after_timeout`.

use iso8583_wire::response::{classify, Diagnosis, Dialect, Lang, Outcome};

fn main() {
    // The terminal's timer expired after the whole 0200 was written.
    let timeout = Diagnosis::for_outcome(Outcome::NoResponse);
    println!("{}", timeout.render(Lang::En));

    if timeout.reversal() {
        // The issuer may have approved: queue a 0400 before anything else. In China UnionPay its
        // field 39 carries the reason "98" (no response in time).
        let reason = classify(Dialect::ChinaUnionPay, Some(b"0400"), b"98");
        assert!(reason.is_reversal_reason());
        println!("Reversal 0400, field 39 = 98: {}", reason.meaning());

        // The switch answers the reversal with a 0410; "00" means it was accepted.
        let answer = classify(Dialect::ChinaUnionPay, Some(b"0410"), b"00");
        println!("Reversal answer 0410, field 39 = 00: {}", answer.meaning());
        println!("Then start the sale again with a new trace number.");
    }

    // Had the connection failed before sending, nothing would have reached the host.
    let refused = Diagnosis::for_outcome(Outcome::ConnectionFailed);
    assert!(!refused.reversal());
    println!();
    println!("{}", refused.render(Lang::En));
}
