//! Writes `specs/samples/day.log`: one made-up day of an acquirer host's log, one message per
//! line in upper-case hex, for trying `iso8583 stats` on.
//!
//! Run with `cargo run --example make_day_log > specs/samples/day.log`. The output is the same
//! on every run: the random choices come from a fixed seed, and the messages are built and
//! encoded with the crate's own encoder (spec `iso8583-1987-ascii`).
//!
//! The day: about 2,000 responses (0210 sales, 0110 authorisations, 0410 reversals) from 40
//! terminals at 12 merchants, busier at lunch and in the evening, mostly approved (`00`) with
//! the usual declines (`05`, `51`, `55`, …); one terminal on a bad line gets `91` and `96` in
//! the evening, one merchant's terminals are not set up for a service (`58`). The switch's
//! echo tests (0810, no terminal or merchant) and a few broken lines of a damaged capture are
//! mixed in.

use iso8583_wire::{Message, Mti, Spec};

/// The seed of the day: the same seed gives the same log.
const SEED: u64 = 0x0DA7_2023_1123;

/// Responses in the day.
const RESPONSES: usize = 2_000;

/// Relative traffic of each hour of the day, 00 to 23.
const HOUR_WEIGHTS: [u32; 24] = [
    2, 1, 1, 1, 1, 2, 4, 8, 12, 14, 16, 24, 30, 26, 16, 13, 14, 17, 25, 29, 22, 14, 8, 4,
];

/// Response codes of an ordinary approved-or-declined sale, with their relative frequency.
const CODES: [(&str, u32); 15] = [
    ("00", 880),
    ("05", 30),
    ("51", 30),
    ("55", 15),
    ("91", 8),
    ("96", 6),
    ("54", 6),
    ("61", 6),
    ("57", 5),
    ("14", 4),
    ("12", 3),
    ("68", 3),
    ("30", 2),
    ("43", 1),
    ("41", 1),
];

/// The merchant (1-based) whose terminals are not set up for part of their traffic.
const MISCONFIGURED_MERCHANT: usize = 4;

/// The terminal on a bad line: it gets `91` and `96` in the evening.
const BAD_LINE_TERMINAL: &str = "T0070002";

/// A small deterministic generator (SplitMix64): good enough to spread made-up traffic, and
/// the same on every platform.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// An index into `weights`, chosen in proportion to them.
    fn weighted(&mut self, weights: impl Iterator<Item = u32> + Clone) -> usize {
        let total: u64 = weights.clone().map(u64::from).sum();
        let mut pick = self.below(total);
        for (i, w) in weights.enumerate() {
            if pick < u64::from(w) {
                return i;
            }
            pick -= u64::from(w);
        }
        0
    }
}

/// One terminal of the day.
struct Terminal {
    id: String,
    merchant: String,
    merchant_number: usize,
    weight: u32,
}

/// The 40 terminals: merchants have one to six, some are much busier than others.
fn terminals(rng: &mut Rng) -> Vec<Terminal> {
    const PER_MERCHANT: [usize; 12] = [6, 4, 3, 3, 2, 5, 4, 3, 2, 3, 1, 4];
    let mut out = Vec::new();
    for (m, &count) in PER_MERCHANT.iter().enumerate() {
        let merchant_number = m + 1;
        // A supermarket (merchant 1) and a station (merchant 6) take most of the cards.
        let busy = match merchant_number {
            1 => 3,
            6 => 2,
            _ => 1,
        };
        for t in 1..=count {
            out.push(Terminal {
                id: format!("T{merchant_number:03}{t:04}"),
                merchant: format!("MER{merchant_number:012}"),
                merchant_number,
                weight: busy * (2 + u32::try_from(rng.below(8)).unwrap_or(0)),
            });
        }
    }
    out
}

/// The response code of one message.
fn code_for(rng: &mut Rng, terminal: &Terminal, hour: u64) -> &'static str {
    if terminal.id == BAD_LINE_TERMINAL && hour >= 17 {
        match rng.below(100) {
            0..=19 => return "91",
            20..=34 => return "96",
            _ => {}
        }
    }
    if terminal.merchant_number == MISCONFIGURED_MERCHANT && rng.below(100) < 12 {
        return "58";
    }
    let i = rng.weighted(CODES.iter().map(|&(_, w)| w));
    CODES.get(i).map_or("00", |&(code, _)| code)
}

/// The day's log, one line per message, ready to write to a file.
///
/// # Errors
/// An error from the encoder, which would mean this program builds a wrong message.
pub fn day_log() -> Result<String, Box<dyn std::error::Error>> {
    let spec = Spec::builtin("iso8583-1987-ascii").ok_or("no such spec")?;
    let mut rng = Rng(SEED);
    let terminals = terminals(&mut rng);

    // Times first, so that the log is in order.
    let mut times: Vec<u64> = (0..RESPONSES)
        .map(|_| {
            let hour = u64::try_from(rng.weighted(HOUR_WEIGHTS.iter().copied())).unwrap_or(0);
            hour * 3600 + rng.below(3600)
        })
        .collect();
    // The switch's echo test every 45 minutes.
    times.extend((0..32).map(|i| i * 2700 + 1_000_000));
    times.sort_by_key(|&t| t % 1_000_000);

    let mut out = String::from(
        "# One made-up day (23 November) of an acquirer host's log, one message per line in hex.\n\
         # Made by examples/make_day_log.rs; try: iso8583 stats --by hour specs/samples/day.log\n",
    );
    for (n, &t) in times.iter().enumerate() {
        let echo = t >= 1_000_000;
        let t = t % 1_000_000;
        let (hour, minute, second) = (t / 3600, t / 60 % 60, t % 60);
        let stan = n + 1;
        let mut message = if echo {
            let mut m = Message::new(Mti::NETWORK_RESPONSE);
            m.set(spec, 39, "00")?.set(spec, 70, "301")?;
            m
        } else {
            let i = rng.weighted(terminals.iter().map(|t| t.weight));
            let terminal = terminals.get(i).ok_or("no terminal")?;
            let mti = match rng.below(100) {
                0..=84 => Mti::FINANCIAL_RESPONSE,
                85..=96 => Mti::AUTHORIZATION_RESPONSE,
                _ => Mti::REVERSAL_RESPONSE,
            };
            let code = if mti == Mti::REVERSAL_RESPONSE {
                "00"
            } else {
                code_for(&mut rng, terminal, hour)
            };
            // Amounts from 1.00 to about 900.00, most of them small.
            let amount = 100 + rng.below(300) * rng.below(300);
            let mut m = Message::new(mti);
            m.set(spec, 3, "000000")?
                .set(spec, 4, format!("{amount:012}"))?
                .set(spec, 12, format!("{hour:02}{minute:02}{second:02}"))?
                .set(spec, 13, "1123")?
                .set(spec, 37, format!("327{hour:02}{stan:07}"))?
                .set(spec, 39, code)?
                .set(spec, 41, &terminal.id)?
                .set(spec, 42, &terminal.merchant)?
                .set(spec, 49, "840")?;
            if code == "00" {
                m.set(spec, 38, format!("{:06}", rng.below(1_000_000)))?;
            }
            m
        };
        message
            .set(spec, 7, format!("1123{hour:02}{minute:02}{second:02}"))?
            .set(spec, 11, format!("{stan:06}"))?;
        let mut line = to_hex(&message.to_vec(spec)?);
        // A damaged capture: now and then a line is cut short or a character is lost.
        match rng.below(400) {
            0 => line.truncate(line.len() / 2),
            1 => {
                line.remove(line.len() / 3);
            }
            2 if line.is_char_boundary(41) => line.replace_range(40..41, "G"),
            _ => {}
        }
        out.push_str(&line);
        out.push('\n');
    }
    Ok(out)
}

/// Upper-case hex of `bytes`.
fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    use std::io::Write as _;
    std::io::stdout().write_all(day_log()?.as_bytes())?;
    Ok(())
}
