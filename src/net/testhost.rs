//! A scriptable test host: a [`Handler`] that answers requests by rules read from TOML, with
//! the faults a terminal must survive (late answers, no answer, a closed connection, garbage).
//! The same engine runs under `iso8583 serve` and in library tests.
//!
//! ```toml
//! [[rule]]
//! mti = "0200"            # the request's MTI (a repeat such as 0201 matches its original too)
//! processing_code = "00"  # DE3 starts with this
//! amount_min = 100000     # DE4 as an integer of minor units, inclusive
//! amount_max = 999999999  # inclusive
//! pan_prefix = "4242"     # DE2 starts with this
//! terminal = "TERM0001"   # DE41, exactly (trailing spaces ignored)
//! respond = "51"          # DE39 of the answer (default 00)
//! delay_ms = 2000         # act after this long
//! action = "respond"      # "respond" (default), "no_answer", "close" or "malformed"
//! ```
//!
//! Every condition is optional; a condition on a field the request lacks does not match. The
//! first rule that matches wins; with no match the request is approved (`00`). A rule without
//! `mti` applies to requests other than reversals (04xx) and network management (08xx): those
//! are answered `00` (0410/0430, 0810) unless a rule naming their MTI matches. Answers to
//! responses are never sent.
//!
//! An answer copies the [`RESPONSE_FIELDS`] present in the request, sets DE39 and, on an
//! approval of a request other than a reversal, DE38: the six digits of DE11. `malformed`
//! writes a frame with a valid length header around bytes that no spec decodes; `close`
//! closes the connection without answering. A frame whose message does not decode gets the
//! format-error answer of [`Request::format_error_response`] when its MTI can be read.
//!
//! ```
//! use iso8583_wire::frame::{Framer, LengthHeader};
//! use iso8583_wire::net::testhost::{Rules, TestHost};
//! use iso8583_wire::Spec;
//!
//! let rules = Rules::from_toml_str(
//!     r#"
//!     [[rule]]
//!     mti = "0200"
//!     amount_min = 100000
//!     respond = "51"
//!     "#,
//! )?;
//! assert_eq!(rules.rules().len(), 1);
//! let spec = Spec::builtin("iso8583-1987-ascii").ok_or("no spec")?;
//! let host = TestHost::new(rules, spec.clone(), Framer::new(LengthHeader::Binary2))
//!     .on_exchange(|exchange| println!("{} -> {:?}", exchange.action.name(), exchange.response_code));
//! // Run it with `Server::start(host.clone())`; `host` still counts what it sees.
//! assert_eq!(host.requests_seen(iso8583_wire::Mti::REVERSAL_REQUEST), 0);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use serde::{Deserialize, Deserializer};

use super::server::{reply_header, response_to, Action, Handler, Request, Session};
use crate::frame::Framer;
use crate::{Message, Mti, Spec};

/// The fields an answer copies from its request, those present: PAN, processing code, amount,
/// transmission time, STAN, local time and date, function code or NII, acquirer, RRN, terminal,
/// merchant, currency, network management code and original data elements.
pub const RESPONSE_FIELDS: &[u16] = &[2, 3, 4, 7, 11, 12, 13, 24, 32, 37, 41, 42, 49, 70, 90];

/// What a matching rule does.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleAction {
    /// Answer with the rule's response code.
    #[default]
    Respond,
    /// Do not answer.
    NoAnswer,
    /// Close the connection without answering.
    Close,
    /// Write a frame with a valid length header around bytes that do not decode.
    Malformed,
}

impl RuleAction {
    /// The name as written in a rules file: `respond`, `no_answer`, `close`, `malformed`.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Respond => "respond",
            Self::NoAnswer => "no_answer",
            Self::Close => "close",
            Self::Malformed => "malformed",
        }
    }
}

/// One `[[rule]]`: conditions on the request and what to do; see the [module docs](self).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Rule {
    /// The request's MTI; a repeat (last digit odd) also matches its original's MTI.
    #[serde(default, deserialize_with = "mti")]
    pub mti: Option<Mti>,
    /// A prefix of DE3.
    #[serde(default, deserialize_with = "digits")]
    pub processing_code: Option<String>,
    /// The smallest DE4, in minor units.
    #[serde(default)]
    pub amount_min: Option<u64>,
    /// The largest DE4, in minor units.
    #[serde(default)]
    pub amount_max: Option<u64>,
    /// A prefix of DE2.
    #[serde(default, deserialize_with = "digits")]
    pub pan_prefix: Option<String>,
    /// DE41, compared without trailing spaces.
    #[serde(default)]
    pub terminal: Option<String>,
    /// The DE39 of the answer; `00` when not given.
    #[serde(default, deserialize_with = "response_code")]
    pub respond: Option<String>,
    /// How long to wait before acting, in milliseconds.
    #[serde(default)]
    pub delay_ms: Option<u64>,
    /// What to do.
    #[serde(default)]
    pub action: RuleAction,
}

fn mti<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Mti>, D::Error> {
    let text = String::deserialize(d)?;
    Mti::from_text(&text)
        .map(Some)
        .ok_or_else(|| serde::de::Error::custom("an MTI is four digits, e.g. \"0200\""))
}

fn digits<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let text = String::deserialize(d)?;
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(serde::de::Error::custom("expected one or more digits"));
    }
    Ok(Some(text))
}

fn response_code<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let text = String::deserialize(d)?;
    if text.len() != 2 || !text.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(serde::de::Error::custom(
            "a response code is two letters or digits, e.g. \"51\"",
        ));
    }
    Ok(Some(text))
}

/// What the rules look at in a request.
struct Facts {
    mti: Mti,
    processing_code: Option<String>,
    amount: Option<u64>,
    /// In clear: compared with rules, never shown or logged.
    pan: Option<String>,
    terminal: Option<String>,
    stan: Option<String>,
}

impl Facts {
    fn of(spec: &Spec, m: &Message) -> Self {
        let text = |n| m.field(spec, n).map(|f| f.to_text());
        Self {
            mti: m.mti(),
            processing_code: text(3),
            amount: m.field(spec, 4).and_then(|f| f.to_u64().ok()),
            pan: text(2),
            terminal: text(41),
            stan: text(11),
        }
    }
}

impl Rule {
    /// Whether the rule applies to a request.
    fn matches(&self, facts: &Facts) -> bool {
        let mti = facts.mti;
        let mti_matches = match self.mti {
            Some(want) => mti == want || (mti.is_repeat() && original_of(mti) == want),
            None => !mti.is_reversal() && mti.class() != 8,
        };
        if !mti_matches {
            return false;
        }
        let prefix = |want: &Option<String>, have: &Option<String>| match want {
            None => true,
            Some(p) => have.as_deref().is_some_and(|h| h.starts_with(p.as_str())),
        };
        prefix(&self.processing_code, &facts.processing_code)
            && prefix(&self.pan_prefix, &facts.pan)
            && self
                .amount_min
                .is_none_or(|min| facts.amount.is_some_and(|a| a >= min))
            && self
                .amount_max
                .is_none_or(|max| facts.amount.is_some_and(|a| a <= max))
            && self.terminal.as_deref().is_none_or(|want| {
                facts
                    .terminal
                    .as_deref()
                    .is_some_and(|have| have.trim_end() == want.trim_end())
            })
    }
}

/// The MTI a repeat repeats: the last digit made even (0201 → 0200, 0421 → 0420).
fn original_of(mti: Mti) -> Mti {
    let [a, b, c, d] = *mti.as_bytes();
    Mti::new([a, b, c, d & !1]).unwrap_or(mti)
}

/// The rules of a test host, in order; see the [module docs](self).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Rules {
    rules: Vec<Rule>,
}

/// The top of a rules file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    #[serde(default)]
    rule: Vec<Rule>,
}

impl Rules {
    /// Rules from a list; an empty list approves everything.
    #[must_use]
    pub const fn new(rules: Vec<Rule>) -> Self {
        Self { rules }
    }

    /// Reads a rules file: `[[rule]]` tables as in the [module docs](self).
    ///
    /// # Errors
    /// A [`RulesError`] for TOML that does not parse, an unknown key, a value of the wrong type
    /// or form (an MTI that is not four digits, a response code that is not two characters, a
    /// negative amount), with the line and column where TOML gives them; or a rule whose
    /// `amount_min` is above its `amount_max`.
    pub fn from_toml_str(text: &str) -> Result<Self, RulesError> {
        let file: RulesFile = toml::from_str(text).map_err(|e| {
            let (line, column) = e
                .span()
                .map_or((None, None), |span| line_column(text, span.start));
            RulesError {
                message: e.message().to_owned(),
                line,
                column,
            }
        })?;
        for (i, rule) in file.rule.iter().enumerate() {
            if let (Some(min), Some(max)) = (rule.amount_min, rule.amount_max) {
                if min > max {
                    return Err(RulesError {
                        message: format!("rule {i}: amount_min {min} is above amount_max {max}"),
                        line: None,
                        column: None,
                    });
                }
            }
        }
        Ok(Self { rules: file.rule })
    }

    /// The rules, in the order they are tried.
    #[must_use]
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The index of the first rule that applies to `request` under `spec`.
    fn find(&self, facts: &Facts) -> Option<(usize, &Rule)> {
        self.rules
            .iter()
            .enumerate()
            .find(|(_, r)| r.matches(facts))
    }
}

/// The 1-based line and column of byte `at` of `text`.
fn line_column(text: &str, at: usize) -> (Option<usize>, Option<usize>) {
    let before = text.get(..at).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (Some(line), Some(column))
}

/// A rules file that cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}{message}", place(*.line, *.column))]
pub struct RulesError {
    message: String,
    line: Option<usize>,
    column: Option<usize>,
}

fn place(line: Option<usize>, column: Option<usize>) -> String {
    match (line, column) {
        (Some(l), Some(c)) => format!("line {l}, column {c}: "),
        (Some(l), None) => format!("line {l}: "),
        _ => String::new(),
    }
}

impl RulesError {
    /// What is wrong, without the place.
    #[must_use]
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The 1-based line of the problem, when known.
    #[must_use]
    pub const fn line(&self) -> Option<usize> {
        self.line
    }

    /// The 1-based column of the problem, when known.
    #[must_use]
    pub const fn column(&self) -> Option<usize> {
        self.column
    }
}

/// One request and what the test host did about it; card data masked.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Exchange {
    /// The request's MTI (read from the bytes when the message did not decode).
    pub request_mti: Option<Mti>,
    /// DE11.
    pub stan: Option<String>,
    /// DE41.
    pub terminal: Option<String>,
    /// DE2, masked (first 6 and last 4 digits).
    pub pan: Option<String>,
    /// DE4 in minor units.
    pub amount: Option<u64>,
    /// The index in [`Rules::rules`] of the rule that matched.
    pub rule: Option<usize>,
    /// What was done; [`RuleAction::NoAnswer`] for a response or a message that could not be
    /// answered.
    pub action: RuleAction,
    /// The DE39 answered.
    pub response_code: Option<String>,
    /// The MTI answered.
    pub response_mti: Option<Mti>,
    /// Whether the request's message decoded.
    pub decoded: bool,
}

/// A callback that receives each exchange.
type ExchangeFn = Arc<dyn Fn(&Exchange) + Send + Sync>;

/// The test host: a [`Handler`] answering by [`Rules`]; see the [module docs](self).
///
/// Clones share the counts of requests seen, so a clone kept by a test sees what the one
/// given to the server answered.
#[derive(Clone)]
pub struct TestHost {
    rules: Arc<Rules>,
    spec: Arc<Spec>,
    framer: Framer,
    seen: Arc<Mutex<BTreeMap<Mti, u64>>>,
    on_exchange: Option<ExchangeFn>,
}

impl core::fmt::Debug for TestHost {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("TestHost")
            .field("rules", &self.rules.rules.len())
            .field("spec", &self.spec.name())
            .field("framer", &self.framer)
            .finish_non_exhaustive()
    }
}

impl TestHost {
    /// A test host answering messages of `spec` by `rules`; `framer` is the server's, for the
    /// frames of `malformed`.
    #[must_use]
    pub fn new(rules: Rules, spec: impl Into<Arc<Spec>>, framer: Framer) -> Self {
        Self {
            rules: Arc::new(rules),
            spec: spec.into(),
            framer,
            seen: Arc::default(),
            on_exchange: None,
        }
    }

    /// The same host calling `f` with each exchange once it is decided (after any delay),
    /// e.g. to print it.
    #[must_use]
    pub fn on_exchange(self, f: impl Fn(&Exchange) + Send + Sync + 'static) -> Self {
        Self {
            on_exchange: Some(Arc::new(f)),
            ..self
        }
    }

    /// How many requests of MTI `mti` that decoded the host has seen (answered or not).
    #[must_use]
    pub fn requests_seen(&self, mti: Mti) -> u64 {
        self.seen().get(&mti).copied().unwrap_or(0)
    }

    /// The requests that decoded, counted by MTI.
    #[must_use]
    pub fn requests_by_mti(&self) -> BTreeMap<Mti, u64> {
        self.seen().clone()
    }

    fn seen(&self) -> std::sync::MutexGuard<'_, BTreeMap<Mti, u64>> {
        self.seen.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Decides what to do with `request`: the action, the delay before it, and the record.
    fn decide(&self, request: &Request) -> (Action, Duration, Exchange) {
        let spec = &*self.spec;
        let m = match request.message() {
            Ok(m) => m,
            Err(_) => {
                let answer = request.format_error_response(spec);
                let exchange = Exchange {
                    request_mti: request.mti(spec),
                    stan: None,
                    terminal: None,
                    pan: None,
                    amount: None,
                    rule: None,
                    action: if answer.is_some() {
                        RuleAction::Respond
                    } else {
                        RuleAction::NoAnswer
                    },
                    response_code: answer
                        .as_ref()
                        .and_then(|a| a.field(spec, 39))
                        .map(|f| f.to_text()),
                    response_mti: answer.as_ref().map(Message::mti),
                    decoded: false,
                };
                let action = answer.map_or(Action::NoReply, Action::Reply);
                return (action, Duration::ZERO, exchange);
            }
        };
        *self.seen().entry(m.mti()).or_insert(0) += 1;
        let facts = Facts::of(spec, m);
        let mut exchange = Exchange {
            request_mti: Some(m.mti()),
            stan: facts.stan.clone(),
            terminal: facts.terminal.clone(),
            pan: m.field(spec, 2).map(|f| f.masked().to_string()),
            amount: facts.amount,
            rule: None,
            action: RuleAction::NoAnswer,
            response_code: None,
            response_mti: None,
            decoded: true,
        };
        if m.mti().is_response() {
            return (Action::NoReply, Duration::ZERO, exchange);
        }
        let (code, delay, action) = match self.rules.find(&facts) {
            Some((i, rule)) => {
                exchange.rule = Some(i);
                (
                    rule.respond.as_deref().unwrap_or("00"),
                    Duration::from_millis(rule.delay_ms.unwrap_or(0)),
                    rule.action,
                )
            }
            None => ("00", Duration::ZERO, RuleAction::Respond),
        };
        exchange.action = action;
        let action = match action {
            RuleAction::NoAnswer => Action::NoReply,
            RuleAction::Close => Action::Close,
            RuleAction::Malformed => self.malformed(request),
            RuleAction::Respond => match self.respond(m, code, facts.stan.as_deref()) {
                Some(answer) => {
                    exchange.response_code = Some(code.to_owned());
                    exchange.response_mti = Some(answer.mti());
                    Action::Reply(answer)
                }
                None => {
                    exchange.action = RuleAction::NoAnswer;
                    Action::NoReply
                }
            },
        };
        (action, delay, exchange)
    }

    /// The answer with DE39 `code`, and DE38 on an approval that is not a reversal's.
    fn respond(&self, request: &Message, code: &str, stan: Option<&str>) -> Option<Message> {
        let spec = &*self.spec;
        let mut answer = response_to(request, RESPONSE_FIELDS)?;
        if let Err(e) = answer.set(spec, 39, code) {
            tracing::warn!(mti = %request.mti(), error = %e, "test host cannot set DE39");
            return None;
        }
        if code == "00" && !request.mti().is_reversal() && request.mti().class() != 8 {
            let approval = approval_code(stan);
            // A spec without DE38 gets an answer without it.
            let _ = answer.set(spec, 38, approval);
        }
        Some(answer)
    }

    /// A frame with a valid length header (and the request's frame header, TPDU swapped)
    /// around bytes that no spec decodes: all 0xFF, so the MTI is not digits in any encoding.
    fn malformed(&self, request: &Request) -> Action {
        let junk = vec![0xFF; self.spec.layout().header_length.saturating_add(8)];
        let mut frame = BytesMut::new();
        let header = reply_header(request.frame_header());
        match self.framer.encode_with_header(&header, &junk, &mut frame) {
            Ok(()) => Action::SendRaw(frame.freeze()),
            Err(e) => {
                tracing::warn!(error = %e, "test host cannot frame its garbage");
                Action::SendRaw(Bytes::new())
            }
        }
    }
}

/// The approval code of an answer: the six digits of DE11 (left-padded), `000000` without it.
fn approval_code(stan: Option<&str>) -> String {
    let digits: String = stan
        .unwrap_or("")
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    let tail = digits.get(digits.len().saturating_sub(6)..).unwrap_or("");
    format!("{tail:0>6}")
}

impl Handler for TestHost {
    async fn handle(&self, _session: &Session, request: Request) -> Action {
        let (action, delay, exchange) = self.decide(&request);
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        tracing::debug!(
            mti = ?exchange.request_mti.map(|m| m.to_string()),
            rule = ?exchange.rule,
            action = exchange.action.name(),
            response_code = exchange.response_code.as_deref(),
            "test host exchange"
        );
        if let Some(f) = &self.on_exchange {
            f(&exchange);
        }
        action
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::LengthHeader;

    fn spec() -> &'static Spec {
        match Spec::builtin("iso8583-1987-ascii") {
            Some(s) => s,
            None => unreachable!("built-in spec"),
        }
    }

    fn host(rules: &str) -> TestHost {
        match Rules::from_toml_str(rules) {
            Ok(r) => TestHost::new(r, spec().clone(), Framer::new(LengthHeader::Binary2)),
            Err(e) => unreachable!("rules: {e}"),
        }
    }

    fn request(mti: Mti, fields: &[(u16, &str)]) -> Request {
        let mut m = Message::new(mti);
        for (n, v) in fields {
            assert!(m.set(spec(), *n, v).is_ok());
        }
        let bytes = m.to_vec(spec()).unwrap_or_default();
        Request::new(Bytes::new(), Bytes::from(bytes), spec())
    }

    fn code(action: &Action) -> Option<String> {
        match action {
            Action::Reply(m) => m.field(spec(), 39).map(|f| f.to_text()),
            _ => None,
        }
    }

    #[test]
    fn rejects_rules_with_their_place() {
        let e = Rules::from_toml_str("[[rule]]\nmti = \"02\"\n").err();
        assert_eq!(e.as_ref().and_then(RulesError::line), Some(2));
        assert_eq!(e.as_ref().and_then(RulesError::column), Some(7));
        let e = Rules::from_toml_str("[[rule]]\nrespnd = \"51\"\n").err();
        assert_eq!(e.as_ref().and_then(RulesError::line), Some(2));
        let e = Rules::from_toml_str("[[rule]]\naction = \"explode\"\n").err();
        assert!(e.is_some());
        let e = Rules::from_toml_str("[[rule]]\namount_min = 5\namount_max = 4\n").err();
        assert!(e.is_some_and(|e| e.line().is_none()));
    }

    #[test]
    fn decodes_an_empty_rules_file() {
        assert_eq!(Rules::from_toml_str("").map(|r| r.rules().len()), Ok(0));
    }

    #[test]
    fn first_matching_rule_wins() {
        let host = host(
            "[[rule]]\nmti = \"0200\"\namount_min = 1000\nrespond = \"51\"\n\
             [[rule]]\nrespond = \"05\"\nterminal = \"TERM0002\"\n",
        );
        let small = request(Mti::FINANCIAL_REQUEST, &[(4, "999"), (11, "000123")]);
        let (action, _, exchange) = host.decide(&small);
        assert_eq!(code(&action).as_deref(), Some("00"));
        assert_eq!(exchange.rule, None);
        let big = request(Mti::FINANCIAL_REQUEST, &[(4, "1000"), (41, "TERM0002")]);
        let (action, _, exchange) = host.decide(&big);
        assert_eq!(code(&action).as_deref(), Some("51"));
        assert_eq!(exchange.rule, Some(0));
        let other = request(Mti::AUTHORIZATION_REQUEST, &[(4, "1000"), (41, "TERM0002")]);
        assert_eq!(code(&host.decide(&other).0).as_deref(), Some("05"));
    }

    #[test]
    fn approval_carries_de38_from_de11() {
        let host = host("");
        let req = request(Mti::FINANCIAL_REQUEST, &[(11, "000123")]);
        let (action, _, _) = host.decide(&req);
        let Action::Reply(m) = action else {
            unreachable!("an answer")
        };
        assert_eq!(
            m.field(spec(), 38).map(|f| f.to_text()).as_deref(),
            Some("000123")
        );
        assert_eq!(m.mti(), Mti::FINANCIAL_RESPONSE);
    }

    #[test]
    fn reversals_need_a_rule_naming_them() {
        let host = host("[[rule]]\nrespond = \"51\"\n[[rule]]\nmti = \"0420\"\nrespond = \"12\"\n");
        let rev = request(Mti::REVERSAL_REQUEST, &[(11, "000001")]);
        let (action, _, _) = host.decide(&rev);
        assert_eq!(code(&action).as_deref(), Some("00"));
        let Action::Reply(m) = action else {
            unreachable!("an answer")
        };
        assert!(!m.has(38));
        let repeat = request(Mti::REVERSAL_ADVICE.repeat(), &[(11, "000001")]);
        assert_eq!(code(&host.decide(&repeat).0).as_deref(), Some("12"));
        assert_eq!(host.requests_seen(Mti::REVERSAL_REQUEST), 1);
        assert_eq!(host.requests_seen(Mti::REVERSAL_ADVICE.repeat()), 1);
    }

    #[test]
    fn masks_the_pan_of_exchanges() {
        let host = host("");
        let req = request(Mti::FINANCIAL_REQUEST, &[(2, "4242424242424242")]);
        let (_, _, exchange) = host.decide(&req);
        assert_eq!(exchange.pan.as_deref(), Some("424242******4242"));
    }
}
