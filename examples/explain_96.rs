//! A POS shows "96": explain it to the cashier and to the engineer on call.
//!
//! Run with `cargo run --example explain_96 [DIALECT] [en|zh]` (default: `cup zh`).

use iso8583_wire::response::{classify, Dialect, Lang};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dialect: Dialect = args.next().as_deref().unwrap_or("cup").parse()?;
    let lang: Lang = args.next().as_deref().unwrap_or("zh").parse()?;

    // Field 39 of the 0210 answer to a sale.
    let diagnosis = classify(dialect, Some(b"0210"), b"96");

    println!("--- for the cashier ---");
    println!("{}", diagnosis.cashier_prompt(lang));
    println!();
    println!("--- for the operator ---");
    print!("{}", diagnosis.render_operator(lang));
    println!();
    println!("--- as JSON ---");
    println!(
        "{}",
        serde_json::to_string_pretty(&diagnosis.in_lang(lang))?
    );
    Ok(())
}
