//! The struct the typed benches read the reference 0200 into and write it from: its 14 fields,
//! every one borrowed from the input.

use serde::{Deserialize, Serialize};

/// The reference 0200, every member borrowed.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
pub struct Financial<'a> {
    /// The message type (only written: a read leaves it to the view).
    #[serde(skip_deserializing)]
    pub mti: &'a str,
    #[serde(rename = "2")]
    pub pan: &'a str,
    #[serde(rename = "3")]
    pub processing_code: &'a str,
    #[serde(rename = "4")]
    pub amount: &'a str,
    #[serde(rename = "7")]
    pub transmitted: &'a str,
    #[serde(rename = "11")]
    pub stan: &'a str,
    #[serde(rename = "12")]
    pub local_time: &'a str,
    #[serde(rename = "13")]
    pub local_date: &'a str,
    #[serde(rename = "22")]
    pub entry_mode: &'a str,
    #[serde(rename = "25")]
    pub condition: &'a str,
    #[serde(rename = "35")]
    pub track2: &'a str,
    #[serde(rename = "37")]
    pub rrn: &'a str,
    #[serde(rename = "41")]
    pub terminal: &'a str,
    #[serde(rename = "42")]
    pub merchant: &'a str,
    #[serde(rename = "49")]
    pub currency: &'a str,
}

impl Financial<'_> {
    /// The members' total length, so that reading them is not optimised away.
    pub fn total_len(&self) -> usize {
        [
            self.pan,
            self.processing_code,
            self.amount,
            self.transmitted,
            self.stan,
            self.local_time,
            self.local_date,
            self.entry_mode,
            self.condition,
            self.track2,
            self.rrn,
            self.terminal,
            self.merchant,
            self.currency,
        ]
        .iter()
        .map(|s| s.len())
        .sum()
    }
}
