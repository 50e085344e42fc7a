//! The taxonomy does not contradict itself: for every code of every built-in table (each
//! dialect, with the codes a table inherits from its base), every reversal reason and every
//! terminal-side outcome, in English and in Chinese, the dialect's class, the retry advice, the
//! reversal flag, the category, the flags and the cashier prompt agree.
//!
//! The rules are written out below, each with the part of the response-code reference
//! (`reference/response-codes.md`, cited as §section and line) it comes from. Every broken rule
//! is collected first and reported together, one line each, so that a table edit shows all it
//! breaks at once.
#![allow(clippy::expect_used, clippy::indexing_slicing)]

use iso8583_wire::response::{
    classify, Category, Diagnosis, Dialect, Flag, Flags, Lang, Outcome, ResponseTable, Responsible,
    Retry,
};

/// Advice to send the same request again without changing anything first. A class that tells
/// the terminal not to retry, or tells a person to act first, rules these out.
const REPEAT: [Retry; 2] = [Retry::Later, Retry::Immediately];

/// What a dialect's class tells the terminal to do, read from the class's own words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ClassPolicy {
    /// The transaction succeeded (China UnionPay A).
    Success,
    /// Failed; the terminal may retry (China UnionPay B).
    MayRetry,
    /// Failed; do not retry (China UnionPay C, and E, which adds "system fault").
    DoNotRetry,
    /// Failed; the cashier or operator must act first, e.g. keep the card or register the
    /// terminal (China UnionPay D).
    OperatorActs,
}

/// The policy a class text states, or `None` when the wording names none of them (which is
/// itself a failure: a class must say what to do). Reference §3.1, lines 167-173.
fn policy_of(text: &str, lang: Lang) -> Option<ClassPolicy> {
    let words: &[(&str, ClassPolicy)] = match lang {
        Lang::En => &[
            ("do not retry", ClassPolicy::DoNotRetry),
            ("may retry", ClassPolicy::MayRetry),
            ("must act", ClassPolicy::OperatorActs),
            ("success", ClassPolicy::Success),
        ],
        Lang::Zh => &[
            ("不需要重试", ClassPolicy::DoNotRetry),
            ("可重试", ClassPolicy::MayRetry),
            ("操作员处理", ClassPolicy::OperatorActs),
            ("交易成功", ClassPolicy::Success),
        ],
    };
    let lower = text.to_lowercase();
    words
        .iter()
        .find(|(w, _)| lower.contains(w))
        .map(|&(_, p)| p)
}

/// Whether a class text says the failure is a system fault (China UnionPay E).
fn says_system_fault(text: &str, lang: Lang) -> bool {
    match lang {
        Lang::En => text.to_lowercase().contains("system fault"),
        Lang::Zh => text.contains("系统故障"),
    }
}

/// Whether a prompt tells the cashier not to try again.
fn forbids_retry(prompt: &str, lang: Lang) -> bool {
    match lang {
        Lang::En => {
            let p = prompt.to_lowercase();
            p.contains("do not try again") || p.contains("do not retry")
        }
        Lang::Zh => prompt.contains("请勿重试") || prompt.contains("不需要重试"),
    }
}

/// Whether a prompt invites the cashier to try the transaction again (negated forms such as
/// "do not try again" do not count).
fn invites_retry(prompt: &str, lang: Lang) -> bool {
    match lang {
        Lang::En => {
            let p = prompt
                .to_lowercase()
                .replace("do not try again", "")
                .replace("do not retry", "");
            [
                "try again",
                "trying again",
                "retry",
                "try once more",
                "enter it again",
                "enter the pin again",
                "again, then",
                "redo",
            ]
            .iter()
            .any(|w| p.contains(w))
        }
        Lang::Zh => {
            let p = prompt.replace("请勿重试", "").replace("不需要重试", "");
            ["重试", "再试", "再作交易", "重新输入"]
                .iter()
                .any(|w| p.contains(w))
        }
    }
}

/// Whether a prompt sends the cashier to another card rather than the same one again.
fn offers_another_card(prompt: &str, lang: Lang) -> bool {
    match lang {
        Lang::En => prompt.to_lowercase().contains("another card"),
        Lang::Zh => prompt.contains("换卡"),
    }
}

/// Whether a prompt asks for a new sign-on.
fn mentions_sign_on(prompt: &str, lang: Lang) -> bool {
    match lang {
        Lang::En => prompt.to_lowercase().contains("sign on"),
        Lang::Zh => prompt.contains("签到"),
    }
}

/// Whether a prompt speaks of a reversal.
fn mentions_reversal(prompt: &str, lang: Lang) -> bool {
    match lang {
        Lang::En => prompt.to_lowercase().contains("revers"),
        Lang::Zh => prompt.contains("冲正"),
    }
}

/// Whether a prompt tells the cashier to keep the card.
fn says_keep_card(prompt: &str, lang: Lang) -> bool {
    match lang {
        Lang::En => {
            let p = prompt.to_lowercase();
            p.contains("keep the card") || p.contains("keep it")
        }
        Lang::Zh => prompt.contains("没收") || prompt.contains("吞卡"),
    }
}

/// A test of what a prompt says, in a language.
type Detector = fn(&str, Lang) -> bool;

/// What kind of value a subject is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Field 39 of a response: a definitive answer.
    Code,
    /// Field 39 of a reversal request: why the terminal reverses.
    ReversalReason,
    /// A terminal-side outcome with no field 39.
    Outcome,
}

/// One thing the taxonomy explains, with everything the rules look at.
struct Subject {
    name: String,
    kind: Kind,
    diagnosis: Diagnosis<'static>,
    /// The class's name and its texts in English and Chinese.
    class: Option<(String, &'static str, &'static str)>,
    /// Whether the subject's table defines classes at all.
    table_has_classes: bool,
}

impl Subject {
    fn category(&self) -> Category {
        self.diagnosis.category()
    }
    fn retry(&self) -> Retry {
        self.diagnosis.retry()
    }
    fn flags(&self) -> Flags {
        self.diagnosis.flags()
    }
    fn prompt(&self, lang: Lang) -> &'static str {
        self.diagnosis.cashier_prompt(lang)
    }
}

/// Every code and reversal reason of every built-in table, and every outcome.
fn subjects() -> Vec<Subject> {
    let mut all = Vec::new();
    for dialect in Dialect::ALL {
        let table = ResponseTable::try_builtin(dialect).expect("built-in table loads");
        let has_classes = !table.classes().is_empty();
        let sections = [
            (Kind::Code, table.entries(), &b"0210"[..]),
            (Kind::ReversalReason, table.reversal_reasons(), b"0400"),
        ];
        for (kind, entries, mti) in sections {
            for entry in entries {
                let code = entry.code().to_string();
                let diagnosis = classify(dialect, Some(mti), code.as_bytes());
                assert_eq!(
                    diagnosis.entry(),
                    Some(entry),
                    "{dialect} {code} classifies to its own entry"
                );
                let class = entry.class().map(|name| {
                    let c = table.class(name).expect("the loader checks classes");
                    (name.to_owned(), c.meaning(Lang::En), c.meaning(Lang::Zh))
                });
                let what = if kind == Kind::Code { "" } else { " reason" };
                all.push(Subject {
                    name: format!("{dialect}{what} {code}"),
                    kind,
                    diagnosis,
                    class,
                    table_has_classes: has_classes,
                });
            }
        }
    }
    for outcome in Outcome::ALL {
        all.push(Subject {
            name: format!("outcome {outcome}"),
            kind: Kind::Outcome,
            diagnosis: Diagnosis::for_outcome(outcome),
            class: None,
            table_has_classes: false,
        });
    }
    all
}

/// The retry advice each category allows for a response code, from the "Retry?" column of the
/// reference's taxonomy (§6, lines 413-424). `NoAutomatic` is allowed where a dialect's class
/// forbids a retry the category would otherwise advise (§3.1, line 165: the POS acts on the
/// class; §7, lines 516 and 518: "class C says no automatic retry", "class E = no automatic
/// retry").
fn allowed_for_code(category: Category, responsible: Responsible) -> &'static [Retry] {
    use Retry::*;
    match category {
        // "n/a" (line 413).
        Category::Approved => &[NotApplicable],
        // "not automatically. Only after cardholder action" (line 414); legal restrictions and
        // PIN lock-outs are never retried (lines 493, 502).
        Category::CardAccount => &[AfterCardholderAction, Never, NoAutomatic],
        // "never" (line 415).
        Category::FraudSecurity => &[Never],
        // "no (fix the data). For 94, first inquire" (line 416); the issuer's own malformed
        // reply (20, "sometimes the issuer") may be tried later (line 456).
        Category::FormatError if responsible == Responsible::Issuer => {
            &[AfterFix, CheckOriginal, NoAutomatic, Later]
        }
        Category::FormatError => &[AfterFix, CheckOriginal, NoAutomatic],
        // "after fixing config or re-sign-on" (line 417).
        Category::TerminalConfig => &[AfterFix, AfterSignOn, NoAutomatic],
        // "yes, later (minutes), with a capped number of attempts" (line 418); "yes, after a
        // short wait" (line 419); host-reported timeout: "later, capped" (line 420).
        Category::IssuerUnavailable | Category::SwitchFault | Category::Timeout => {
            &[Later, NoAutomatic]
        }
        // Terminal outcomes only (line 421).
        Category::NetworkFault => &[AfterReversal],
        // "yes, immediately with back-off" (line 422).
        Category::ConnectionFailure => &[Immediately],
        // "restart if desired" (line 423): a cancellation is no failure to retry.
        Category::Terminated => &[NotApplicable],
        // "no automatic retry; treat as a decline" (line 424).
        Category::Unknown => &[NoAutomatic],
    }
}

/// The retry advice each category allows for a terminal-side outcome (§5, lines 387-395, and
/// §6, lines 420-423).
fn allowed_for_outcome(category: Category) -> &'static [Retry] {
    use Retry::*;
    match category {
        // (b) terminal-detected: "only after the reversal is accepted" (line 420).
        Category::Timeout | Category::NetworkFault => &[AfterReversal],
        Category::ConnectionFailure => &[Immediately],
        // Reverse when the host had approved, else restart (lines 394-395).
        Category::Terminated => &[AfterReversal, Immediately],
        _ => &[],
    }
}

/// Checks one subject against every rule; returns one line per broken rule.
fn check(s: &Subject) -> Vec<String> {
    let mut errors = Vec::new();
    let mut fail = |rule: &str| errors.push(format!("{}: {rule}", s.name));
    let d = &s.diagnosis;
    let (category, retry, flags) = (s.category(), s.retry(), s.flags());

    // The class: both languages state the same policy, and the entry follows it.
    if s.table_has_classes && s.kind == Kind::Code && s.class.is_none() {
        fail("a table with classes gives every code a class");
    }
    if let Some((name, en, zh)) = &s.class {
        let (p_en, p_zh) = (policy_of(en, Lang::En), policy_of(zh, Lang::Zh));
        if p_en.is_none() || p_en != p_zh {
            fail(&format!(
                "class {name} states no policy, or another one in each language: {en:?} / {zh:?}"
            ));
        }
        if says_system_fault(en, Lang::En) != says_system_fault(zh, Lang::Zh) {
            fail(&format!(
                "class {name}: only one language says system fault"
            ));
        }
        match p_en {
            Some(ClassPolicy::Success)
                if category != Category::Approved || retry != Retry::NotApplicable =>
            {
                fail(&format!(
                    "class {name} is a success, but the category is {category} and the retry \
                     advice {retry}"
                ));
            }
            Some(ClassPolicy::DoNotRetry) if REPEAT.contains(&retry) => fail(&format!(
                "class {name} says do not retry, but the retry advice is {retry} (§3.1 line 171, \
                 §7 lines 516 and 518: no automatic retry)"
            )),
            Some(ClassPolicy::OperatorActs) if REPEAT.contains(&retry) => fail(&format!(
                "class {name} says a person must act first, but the retry advice is {retry}"
            )),
            Some(ClassPolicy::MayRetry)
                if matches!(
                    retry,
                    Retry::Never | Retry::NoAutomatic | Retry::NotApplicable
                ) =>
            {
                fail(&format!(
                    "class {name} says the terminal may retry, but the retry advice is {retry}"
                ));
            }
            _ => {}
        }
        // A class that has the cashier act on a fraud or security decline has the card kept
        // (§3.1 line 172: "retain card"; §3.2 lines 187-216).
        if p_en == Some(ClassPolicy::OperatorActs)
            && category == Category::FraudSecurity
            && !flags.contains(Flag::PickUp)
        {
            fail(&format!(
                "class {name}: the cashier acts on a fraud decline, but the card is not kept"
            ));
        }
        if p_en != Some(ClassPolicy::Success) && category == Category::Approved {
            fail(&format!("an approval in class {name}, which is no success"));
        }
        if says_system_fault(en, Lang::En)
            && !matches!(
                category,
                Category::SwitchFault | Category::IssuerUnavailable | Category::Timeout
            )
        {
            fail(&format!(
                "class {name} is a system fault, but the category is {category}"
            ));
        }
    }

    // Retry advice by category, and the reversal flag.
    match s.kind {
        Kind::Code => {
            if !allowed_for_code(category, d.responsible()).contains(&retry) {
                fail(&format!(
                    "category {category} does not allow the retry advice {retry} (§6)"
                ));
            }
            // A definitive field 39 answer leaves nothing pending (§6, line 409).
            if d.reversal() {
                fail("a response code calls for a reversal, but a definitive answer came");
            }
        }
        Kind::ReversalReason => {
            // A reason is part of a reversal already: nothing to retry, nothing more to
            // reverse (`Retry::NotApplicable`).
            if retry != Retry::NotApplicable || d.reversal() {
                fail(&format!(
                    "a reversal reason has retry advice {retry} or calls for another reversal"
                ));
            }
            if category == Category::Approved {
                fail("a reversal reason is no approval");
            }
        }
        Kind::Outcome => {
            if !allowed_for_outcome(category).contains(&retry) {
                fail(&format!(
                    "category {category} does not allow the retry advice {retry} for an outcome"
                ));
            }
            // After a reversal the request is retried only once it is accepted (line 420); a
            // request that never left needs none (lines 389, 395).
            if d.reversal() != (retry == Retry::AfterReversal) {
                fail("reversal due exactly when the retry waits for the reversal");
            }
            if let Some(o) = d.outcome() {
                if d.reversal() != o.may_have_reached_host() {
                    fail("reversal due exactly when the request may have reached the host");
                }
            }
        }
    }
    if category == Category::Approved
        && (d.reversal() || d.responsible() != Responsible::None || !flags.is_empty())
    {
        fail("an approval has no reversal, nobody responsible and no flag");
    }

    // Flags.
    if flags.contains(Flag::PickUp)
        && (retry != Retry::Never || category != Category::FraudSecurity)
    {
        fail(&format!(
            "the card must be kept, but the retry advice is {retry} and the category {category} \
             (§6 line 415: never)"
        ));
    }
    if s.kind == Kind::Code && flags.contains(Flag::SignOn) != (retry == Retry::AfterSignOn) {
        fail(&format!(
            "the sign-on flag and the retry advice {retry} disagree"
        ));
    }
    if flags.contains(Flag::ScaRequired) && retry != Retry::AfterCardholderAction {
        fail(&format!(
            "strong authentication is required, but the retry advice is {retry}"
        ));
    }

    // The cashier prompt: both languages say the same, and neither contradicts the advice.
    let (en, zh) = (s.prompt(Lang::En), s.prompt(Lang::Zh));
    let pairs: [(&str, Detector); 5] = [
        ("invites a retry", invites_retry),
        ("forbids a retry", forbids_retry),
        ("asks for a sign-on", mentions_sign_on),
        ("speaks of a reversal", mentions_reversal),
        ("says to keep the card", says_keep_card),
    ];
    for (what, test) in pairs {
        if test(en, Lang::En) != test(zh, Lang::Zh) {
            fail(&format!(
                "only one language's prompt {what}: {en:?} / {zh:?}"
            ));
        }
    }
    for lang in [Lang::En, Lang::Zh] {
        let p = s.prompt(lang);
        if retry == Retry::Never && invites_retry(p, lang) && !offers_another_card(p, lang) {
            fail(&format!("never retry, but the prompt invites one: {p:?}"));
        }
        if forbids_retry(p, lang) && retry != Retry::Never {
            fail(&format!(
                "the prompt forbids a retry, but the retry advice is {retry}: {p:?}"
            ));
        }
        if mentions_sign_on(p, lang) && !flags.contains(Flag::SignOn) {
            fail(&format!(
                "the prompt asks for a sign-on without the flag: {p:?}"
            ));
        }
        if says_keep_card(p, lang) && !flags.contains(Flag::PickUp) {
            fail(&format!(
                "the prompt says to keep the card without the flag: {p:?}"
            ));
        }
        if s.kind == Kind::ReversalReason && !mentions_reversal(p, lang) {
            fail(&format!(
                "a reversal reason's prompt does not say so: {p:?}"
            ));
        }
    }
    errors
}

#[test]
fn every_code_agrees_with_its_class_retry_advice_reversal_and_category() {
    let subjects = subjects();
    // Every table and every outcome is walked.
    assert!(subjects.len() > 400, "{} subjects", subjects.len());
    let errors: Vec<String> = subjects.iter().flat_map(check).collect();
    assert!(
        errors.is_empty(),
        "{} contradictions:\n{}",
        errors.len(),
        errors.join("\n")
    );
}

/// Splits a rendered explanation into its "Retry" advice, in the given language.
fn rendered_retry(text: &str, lang: Lang) -> Option<&str> {
    let (start, end) = match lang {
        Lang::En => ("Retry: ", ". Reversal"),
        Lang::Zh => ("重试：", "。冲正"),
    };
    let from = text.find(start)? + start.len();
    let rest = text.get(from..)?;
    rest.get(..rest.find(end)?)
}

#[test]
fn no_explanation_says_do_not_retry_and_then_retry() {
    // The text a person reads (`iso8583 explain`), in both languages: a class that says do not
    // retry is never followed by advice to repeat the request.
    let repeat_labels: Vec<(Lang, &str)> = [Lang::En, Lang::Zh]
        .into_iter()
        .flat_map(|lang| REPEAT.iter().map(move |r| (lang, r.label(lang))))
        .collect();
    let mut errors = Vec::new();
    for s in subjects() {
        for lang in [Lang::En, Lang::Zh] {
            let text = s.diagnosis.render(lang);
            let Some(retry) = rendered_retry(&text, lang) else {
                errors.push(format!("{} ({lang}): no retry advice in {text:?}", s.name));
                continue;
            };
            assert_eq!(retry, s.retry().label(lang), "{}", s.name);
            let first_line = text.lines().nth(1).unwrap_or_default();
            let says_no = policy_of(first_line, lang) == Some(ClassPolicy::DoNotRetry);
            if says_no && repeat_labels.contains(&(lang, retry)) {
                errors.push(format!("{} ({lang}): {text}", s.name));
            }
        }
    }
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

#[test]
fn explains_unionpay_96_without_contradiction() {
    // The case that showed the problem: class C ("failed, do not retry") was followed by
    // "Retry: later, after a few minutes".
    let d = classify(Dialect::ChinaUnionPay, Some(b"0210"), b"96");
    let en = d.render(Lang::En);
    assert!(en.contains("[class C: Failed, do not retry]"), "{en}");
    assert_eq!(
        rendered_retry(&en, Lang::En),
        Some(Retry::NoAutomatic.label(Lang::En))
    );
    let zh = d.render(Lang::Zh);
    assert!(zh.contains("【C类：交易失败，不需要重试】"), "{zh}");
    assert_eq!(
        rendered_retry(&zh, Lang::Zh),
        Some(Retry::NoAutomatic.label(Lang::Zh))
    );
}

#[test]
fn retry_labels_say_the_same_in_both_languages() {
    // A label that repeats the request invites it in both languages; one that stops says so in
    // both.
    for &r in Retry::ALL.iter().filter(|&&r| r != Retry::NotApplicable) {
        let (en, zh) = (r.label(Lang::En), r.label(Lang::Zh));
        let stops = matches!(r, Retry::Never | Retry::NoAutomatic);
        assert_eq!(
            en.starts_with("not ") || en.starts_with("never"),
            stops,
            "{r}: {en}"
        );
        assert_eq!(zh.starts_with('不'), stops, "{r}: {zh}");
        if REPEAT.contains(&r) {
            assert!(zh.contains("重试") && !zh.contains("稍后立即"), "{r}: {zh}");
        }
    }
}

/// Whether `text` holds a snake_case token (two lower-case words joined by `_`).
fn snake_token(text: &str) -> Option<&str> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .find(|w| {
            let mut parts = w.split('_');
            w.contains('_')
                && parts.all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase()))
        })
}

#[test]
fn explanations_hold_no_snake_case_tokens() {
    for s in subjects() {
        for lang in [Lang::En, Lang::Zh] {
            for text in [s.diagnosis.render(lang), s.diagnosis.render_operator(lang)] {
                assert_eq!(snake_token(&text), None, "{} ({lang}):\n{text}", s.name);
            }
        }
    }
    assert_eq!(snake_token("category switch_fault"), Some("switch_fault"));
}
