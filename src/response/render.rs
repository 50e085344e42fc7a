//! Text for people: the short counter view and the operator view with the checklist.

use core::fmt;

use super::code::Lang;
use super::diagnosis::{Diagnosis, Localized};

impl Diagnosis<'_> {
    /// The short text for a person at the counter, in `lang`: the code and the prompt, the
    /// meaning, whose side it is on, whether to retry and whether a reversal is due.
    ///
    /// ```
    /// use iso8583_wire::response::{classify, Dialect, Lang};
    ///
    /// let text = classify(Dialect::Iso8583_1987, Some(b"0210"), b"51").render(Lang::En);
    /// assert!(text.starts_with("51  Declined: insufficient funds"));
    /// assert!(text.contains("Reversal: not needed."));
    /// ```
    #[must_use]
    pub fn render(&self, lang: Lang) -> String {
        self.in_lang(lang).to_string()
    }

    /// The operator view in `lang`: the counter text, then the category and its checklist of
    /// likely causes and steps.
    #[must_use]
    pub fn render_operator(&self, lang: Lang) -> String {
        format!("{:#}", self.in_lang(lang))
    }
}

/// The counter text in English; see [`Diagnosis::render`].
impl fmt::Display for Diagnosis<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.in_lang(Lang::En), f)
    }
}

struct Words {
    whose: &'static str,
    retry: &'static str,
    reversal: &'static str,
    reversal_due: &'static str,
    reversal_not_needed: &'static str,
    reversal_reason: &'static str,
    class: &'static str,
    category: &'static str,
    causes: &'static str,
    cause: &'static str,
    step: &'static str,
    end: &'static str,
    colon: &'static str,
}

const EN: Words = Words {
    whose: "Whose side: ",
    retry: "Retry: ",
    reversal: "Reversal: ",
    reversal_due: "due, send it before anything else.",
    reversal_not_needed: "not needed.",
    reversal_reason: "This is the reason given in a reversal, not a result.",
    class: "class",
    category: "Category: ",
    causes: "What to check:",
    cause: "cause",
    step: "do",
    end: ". ",
    colon: ": ",
};

const ZH: Words = Words {
    whose: "责任方：",
    retry: "重试：",
    reversal: "冲正：",
    reversal_due: "需要，请先完成冲正。",
    reversal_not_needed: "不需要。",
    reversal_reason: "此为冲正报文中的冲正原因，不是交易结果。",
    class: "类",
    category: "类别：",
    causes: "排查步骤：",
    cause: "原因",
    step: "处理",
    end: "。",
    colon: "：",
};

impl fmt::Display for Localized<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.diagnosis;
        let lang = self.lang;
        let w = match lang {
            Lang::En => &EN,
            Lang::Zh => &ZH,
        };
        match (d.code(), d.outcome()) {
            (Some(code), _) => write!(f, "{code}  ")?,
            (None, Some(o)) => write!(f, "{o}  ")?,
            (None, None) => {}
        }
        writeln!(f, "{}", d.cashier_prompt(lang))?;
        f.write_str(d.meaning_in(lang))?;
        if let Some(class) = d.class() {
            match (lang, d.class_meaning(lang)) {
                (Lang::En, Some(m)) => write!(f, " [{} {class}: {m}]", w.class)?,
                (Lang::Zh, Some(m)) => write!(f, "【{class}{}：{m}】", w.class)?,
                (_, None) => write!(f, " [{class}]")?,
            }
        }
        writeln!(f)?;
        if d.is_reversal_reason() {
            writeln!(f, "{}", w.reversal_reason)?;
        }
        write!(
            f,
            "{}{}{}{}{}{}{}",
            w.whose,
            d.responsible().label(lang),
            w.end,
            w.retry,
            d.retry().label(lang),
            w.end,
            w.reversal
        )?;
        writeln!(
            f,
            "{}",
            if d.reversal() {
                w.reversal_due
            } else {
                w.reversal_not_needed
            }
        )?;
        for flag in d.flags().iter() {
            writeln!(f, "{}", flag.label(lang))?;
        }
        if f.alternate() {
            let category = d.category();
            writeln!(
                f,
                "\n{}{}{}{}",
                w.category,
                category.title(lang),
                w.colon,
                category.summary(lang)
            )?;
            writeln!(f, "{}", w.causes)?;
            for (i, check) in d.checklist().iter().enumerate() {
                writeln!(
                    f,
                    "{:>2}. [{}] {}{}{}",
                    i + 1,
                    check.area().label(lang),
                    w.cause,
                    w.colon,
                    check.cause(lang)
                )?;
                writeln!(f, "    {}{}{}", w.step, w.colon, check.step(lang))?;
            }
        }
        Ok(())
    }
}
