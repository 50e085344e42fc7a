//! An authorisation through typed structs: the terminal builds its 0100 from a struct, the host
//! reads it into another, answers with an 0110 built from the request, and the terminal reads
//! the answer into a third.
//!
//! Run with `cargo run --example typed_authorisation`.

use iso8583_wire::typed::{from_view, to_message};
use iso8583_wire::{MessageView, Spec};
use serde::{Deserialize, Serialize};

/// What the terminal sends.
#[derive(Serialize)]
struct AuthorisationRequest<'a> {
    mti: &'a str,
    #[serde(rename = "2")]
    pan: &'a str,
    #[serde(rename = "3")]
    processing_code: &'a str,
    /// Minor units; written zero-padded to the field's 12 digits.
    #[serde(rename = "4")]
    amount: u64,
    #[serde(rename = "11")]
    stan: u32,
    #[serde(rename = "14")]
    expiry: &'a str,
    #[serde(rename = "22")]
    entry_mode: &'a str,
    #[serde(rename = "41")]
    terminal: &'a str,
    #[serde(rename = "42")]
    merchant: &'a str,
    #[serde(rename = "49")]
    currency: &'a str,
}

/// What the host reads of a request: borrowed from the bytes received.
#[derive(Deserialize)]
struct Incoming<'a> {
    #[serde(rename = "2")]
    pan: &'a str,
    #[serde(rename = "4")]
    amount: u64,
    #[serde(rename = "41")]
    terminal: &'a str,
}

/// What the terminal reads of the answer.
#[derive(Deserialize)]
struct AuthorisationResponse<'a> {
    #[serde(rename = "4")]
    amount: u64,
    #[serde(rename = "11")]
    stan: u32,
    #[serde(rename = "38")]
    approval_code: Option<&'a str>,
    #[serde(rename = "39")]
    response_code: &'a str,
}

/// The fields a host echoes from the request into its answer.
const ECHO: [u16; 9] = [2, 3, 4, 11, 14, 22, 41, 42, 49];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let spec = Spec::builtin("iso8583-1987-ascii").ok_or("no such spec")?;

    // The terminal.
    let request = AuthorisationRequest {
        mti: "0100",
        pan: "4242424242424242",
        processing_code: "000000",
        amount: 2500,
        stan: 42,
        expiry: "2912",
        entry_mode: "051",
        terminal: "TERM0001",
        merchant: "MERCHANT0000001",
        currency: "840",
    };
    let wire = to_message(&request, spec)?.to_vec(spec)?;
    println!("0100 on the wire: {} bytes", wire.len());

    // The host: read the request, approve it, answer with the request's own fields.
    let view = MessageView::decode(spec, &wire)?;
    let incoming: Incoming<'_> = from_view(&view)?;
    println!(
        "host: {} asks for {} minor units on card {}",
        incoming.terminal,
        incoming.amount,
        view.field(2).ok_or("no DE2")?.masked()
    );
    assert_eq!(incoming.pan.len(), 16);
    let mut answer = iso8583_wire::Message::from_view(&view)
        .response(&ECHO)
        .ok_or("not a request")?;
    answer.set(spec, 38, "A1B2C3")?.set(spec, 39, "00")?;
    let reply = answer.to_vec(spec)?;

    // The terminal again.
    let view = MessageView::decode(spec, &reply)?;
    assert_eq!(view.mti().as_str(), "0110");
    let response: AuthorisationResponse<'_> = from_view(&view)?;
    assert_eq!((response.stan, response.amount), (42, 2500));
    println!(
        "0110: response code {}, approval code {}",
        response.response_code,
        response.approval_code.unwrap_or("none")
    );
    Ok(())
}
