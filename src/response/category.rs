//! Cause categories, who is responsible, retry advice, flags, and the operator checklists.

use core::fmt;
use core::str::FromStr;
use std::sync::OnceLock;

use super::code::{Lang, ParseNameError};

macro_rules! named_enum {
    (
        $(#[$meta:meta])*
        $name:ident, $what:literal, $expected:literal {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// The name used on the command line, in JSON and in table files.
            #[must_use]
            pub const fn as_str(self) -> &'static str {
                match self {
                    $( Self::$variant => $text, )+
                }
            }
        }

        impl FromStr for $name {
            type Err = ParseNameError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $( $text => Ok(Self::$variant), )+
                    _ => Err(ParseNameError::new($what, $expected)),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

named_enum! {
    /// Why a transaction failed (or that it did not), in twelve categories.
    ///
    /// Each category carries an operator checklist ([`checklist`](Self::checklist)) of likely
    /// causes and the step to take for each, in English and Chinese.
    Category, "category",
    "approved|card_account|fraud_security|format_error|terminal_config|issuer_unavailable|switch_fault|timeout|network_fault|connection_failure|terminated|unknown" {
        /// Approved in full or in part, possibly with an instruction (check identity, partial
        /// amount).
        Approved = "approved",
        /// Declined by the issuer because of the card, the account, the cardholder's input or a
        /// limit.
        CardAccount = "card_account",
        /// Suspected fraud, lost or stolen card, pick-up instruction, security violation.
        FraudSecurity = "fraud_security",
        /// The request was malformed or inconsistent (field, amount, original, duplicate,
        /// reconciliation).
        FormatError = "format_error",
        /// Merchant or terminal not registered or not permitted; sign-on, batch or keys out of
        /// step.
        TerminalConfig = "terminal_config",
        /// The issuer is down, signed off or unreachable, as reported by the switch.
        IssuerUnavailable = "issuer_unavailable",
        /// The switch or acquirer host failed: malfunction, cut-over, routing, request in
        /// progress.
        SwitchFault = "switch_fault",
        /// No answer in time: reported by the switch, or detected by the terminal after a
        /// complete send.
        Timeout = "timeout",
        /// The link broke or the data was corrupted after the request was sent.
        NetworkFault = "network_fault",
        /// The request never left the terminal.
        ConnectionFailure = "connection_failure",
        /// The transaction ended at the terminal (cancellation, card removed, failure after
        /// approval).
        Terminated = "terminated",
        /// A reserved or unassigned code, or one the active table does not define.
        Unknown = "unknown",
    }
}

named_enum! {
    /// Who is responsible for the outcome, i.e. who has to act.
    Responsible, "responsible party",
    "none|cardholder|issuer|acquirer|switch|merchant|network|unknown" {
        /// Nobody: the transaction was approved, or the value is only informative.
        None = "none",
        /// The cardholder: card, account, PIN or limits.
        Cardholder = "cardholder",
        /// The card issuer or its processor.
        Issuer = "issuer",
        /// The acquirer: merchant contract, host, keys, message format.
        Acquirer = "acquirer",
        /// The switch, network centre or acquirer host.
        Switch = "switch",
        /// The merchant: its terminal, its setup or its staff.
        Merchant = "merchant",
        /// The network link between the terminal and the host.
        Network = "network",
        /// Not known from the code alone.
        Unknown = "unknown",
    }
}

named_enum! {
    /// What the merchant or terminal should do about retrying.
    Retry, "retry advice",
    "not_applicable|never|after_cardholder_action|after_fix|after_sign_on|check_original|later|immediately|after_reversal|no_automatic" {
        /// Nothing to retry: approved, or the value is a reversal reason.
        NotApplicable = "not_applicable",
        /// Never retry this card (fraud, pick-up, legal restriction).
        Never = "never",
        /// Only after the cardholder acts: another card, the right PIN, a lower amount.
        AfterCardholderAction = "after_cardholder_action",
        /// Only after the data or the setup is fixed; the same request will fail again.
        AfterFix = "after_fix",
        /// After signing on again (new keys, new batch).
        AfterSignOn = "after_sign_on",
        /// First find out whether the original request went through (duplicates).
        CheckOriginal = "check_original",
        /// Later, after a few minutes, a limited number of times.
        Later = "later",
        /// Now, with a short back-off: nothing reached the host.
        Immediately = "immediately",
        /// Only after the reversal is accepted, as a new transaction.
        AfterReversal = "after_reversal",
        /// Not automatically: treat it as a decline; a person may try again later as a new
        /// transaction (China UnionPay classes C and E, reserved codes).
        NoAutomatic = "no_automatic",
    }
}

named_enum! {
    /// A flag an entry may carry.
    Flag, "flag", "pick_up|sign_on|sca_required" {
        /// Keep (pick up) the card.
        PickUp = "pick_up",
        /// Sign on again (keys or batch out of step) before the next transaction.
        SignOn = "sign_on",
        /// Strong customer authentication is required; retry with it.
        ScaRequired = "sca_required",
    }
}

named_enum! {
    /// The area of a checklist item.
    Area, "checklist area",
    "network|server|software|configuration|people|account|hardware|fraud|escalation" {
        /// Signal, bandwidth, latency, packet loss; IP address, mask, gateway, DNS, port, routing.
        Network = "network",
        /// Host failure, overload, maintenance, day cut-over.
        Server = "server",
        /// Version compatibility, outdated terminal software, keys out of sync.
        Software = "software",
        /// Merchant or terminal not registered, wrong parameters.
        Configuration = "configuration",
        /// Wrong operating procedure.
        People = "people",
        /// Frozen account, insufficient funds, limits.
        Account = "account",
        /// Network card, antenna, card reader, printer.
        Hardware = "hardware",
        /// Suspected fraud.
        Fraud = "fraud",
        /// When and whom to call.
        Escalation = "escalation",
    }
}

impl Category {
    const fn index(self) -> usize {
        self as usize
    }

    /// A short title, e.g. "Switch or host fault".
    #[must_use]
    pub fn title(self, lang: Lang) -> &'static str {
        match info(self) {
            Some(i) => lang.pick(&i.title, &i.title_zh),
            None => self.as_str(),
        }
    }

    /// One sentence saying what the category means.
    #[must_use]
    pub fn summary(self, lang: Lang) -> &'static str {
        info(self).map_or("", |i| lang.pick(&i.summary, &i.summary_zh))
    }

    /// The operator checklist: likely causes and the step to take for each.
    #[must_use]
    pub fn checklist(self) -> &'static [ChecklistItem] {
        info(self).map_or(&[], |i| &i.check)
    }
}

impl Responsible {
    /// A label for people.
    #[must_use]
    pub fn label(self, lang: Lang) -> &'static str {
        let (en, zh) = match self {
            Self::None => ("nobody", "无"),
            Self::Cardholder => ("the cardholder", "持卡人"),
            Self::Issuer => ("the card issuer", "发卡方"),
            Self::Acquirer => ("the acquirer", "收单方"),
            Self::Switch => ("the switch or acquirer host", "交换中心或收单主机"),
            Self::Merchant => ("the merchant or its terminal", "商户或终端"),
            Self::Network => ("the network link", "网络线路"),
            Self::Unknown => ("unknown", "未知"),
        };
        lang.pick(en, zh)
    }
}

impl Retry {
    /// A label for people.
    #[must_use]
    pub fn label(self, lang: Lang) -> &'static str {
        let (en, zh) = match self {
            Self::NotApplicable => ("not applicable", "不适用"),
            Self::Never => ("never", "不得重试"),
            Self::AfterCardholderAction => (
                "only after the cardholder acts (another card, the right PIN, a lower amount)",
                "持卡人处理后（换卡、重输密码、减少金额）",
            ),
            Self::AfterFix => ("only after the data or setup is fixed", "修正数据或配置后"),
            Self::AfterSignOn => ("after signing on again", "重新签到后"),
            Self::CheckOriginal => (
                "first check whether the original went through",
                "先查询原交易是否成功",
            ),
            Self::Later => (
                "later, after a few minutes, a few times at most",
                "几分钟后重试，限制次数",
            ),
            Self::Immediately => ("now, after a short pause", "短暂等待后即可重试"),
            Self::AfterReversal => (
                "only after the reversal is accepted, as a new transaction",
                "冲正成功后作为新交易重试",
            ),
            Self::NoAutomatic => (
                "not automatically; treat it as a decline, and try again only as a new transaction",
                "不自动重试，按拒绝处理；如需再试，请作为新交易发起",
            ),
        };
        lang.pick(en, zh)
    }
}

impl Area {
    /// A label for people, e.g. "network" or "网络".
    #[must_use]
    pub fn label(self, lang: Lang) -> &'static str {
        let (en, zh) = match self {
            Self::Network => ("network", "网络"),
            Self::Server => ("server", "主机"),
            Self::Software => ("software", "软件"),
            Self::Configuration => ("configuration", "配置"),
            Self::People => ("people", "人员操作"),
            Self::Account => ("account", "账户"),
            Self::Hardware => ("hardware", "硬件"),
            Self::Fraud => ("fraud", "欺诈"),
            Self::Escalation => ("escalation", "上报"),
        };
        lang.pick(en, zh)
    }
}

impl Flag {
    /// A short instruction for people.
    #[must_use]
    pub fn label(self, lang: Lang) -> &'static str {
        let (en, zh) = match self {
            Self::PickUp => (
                "Keep the card if it is safe to do so.",
                "请没收卡片（在安全的前提下）。",
            ),
            Self::SignOn => (
                "Sign on again before the next transaction.",
                "下一笔交易前请重新签到。",
            ),
            Self::ScaRequired => (
                "Strong customer authentication is required.",
                "需要持卡人强认证。",
            ),
        };
        lang.pick(en, zh)
    }

    const fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

/// A small set of [`Flag`]s.
///
/// ```
/// use iso8583_wire::response::{Flag, Flags};
///
/// let flags = Flags::EMPTY.with(Flag::PickUp);
/// assert!(flags.contains(Flag::PickUp));
/// assert_eq!(flags.iter().collect::<Vec<_>>(), [Flag::PickUp]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Flags(u8);

impl Flags {
    /// No flag.
    pub const EMPTY: Self = Self(0);

    /// This set with `flag` added.
    #[must_use]
    pub const fn with(self, flag: Flag) -> Self {
        Self(self.0 | flag.bit())
    }

    /// Whether `flag` is set.
    #[must_use]
    pub const fn contains(self, flag: Flag) -> bool {
        self.0 & flag.bit() != 0
    }

    /// Whether no flag is set.
    #[must_use]
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The flags set, in declaration order.
    pub fn iter(self) -> impl Iterator<Item = Flag> {
        Flag::ALL.iter().copied().filter(move |f| self.contains(*f))
    }
}

impl serde::Serialize for Flags {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

/// One item of an operator checklist: a likely cause and the step to take.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChecklistItem {
    #[serde(deserialize_with = "de_area")]
    area: Area,
    cause: Box<str>,
    cause_zh: Box<str>,
    step: Box<str>,
    step_zh: Box<str>,
}

impl ChecklistItem {
    /// The area the item belongs to.
    #[must_use]
    pub fn area(&self) -> Area {
        self.area
    }

    /// The likely cause.
    #[must_use]
    pub fn cause(&self, lang: Lang) -> &str {
        lang.pick(&self.cause, &self.cause_zh)
    }

    /// The step to take.
    #[must_use]
    pub fn step(&self, lang: Lang) -> &str {
        lang.pick(&self.step, &self.step_zh)
    }
}

fn de_area<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Area, D::Error> {
    let s = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
    s.parse().map_err(serde::de::Error::custom)
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct CategoryInfo {
    name: Box<str>,
    title: Box<str>,
    title_zh: Box<str>,
    summary: Box<str>,
    summary_zh: Box<str>,
    #[serde(default)]
    check: Vec<ChecklistItem>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct CategoryFile {
    category: Vec<CategoryInfo>,
}

pub(crate) const CATEGORIES_TOML: &str = include_str!("../../specs/response-codes/categories.toml");

/// Parses the category file into one record per category, in [`Category::ALL`] order.
fn load(src: &str) -> Result<Vec<CategoryInfo>, String> {
    let file: CategoryFile = toml::from_str(src).map_err(|e| e.to_string())?;
    let mut slots: Vec<Option<CategoryInfo>> = Category::ALL.iter().map(|_| None).collect();
    for info in file.category {
        let category: Category = info.name.parse().map_err(|e| format!("{e}"))?;
        let slot = slots
            .get_mut(category.index())
            .ok_or_else(|| format!("category {category} out of range"))?;
        if slot.is_some() {
            return Err(format!("category {category} listed twice"));
        }
        if info.check.is_empty() {
            return Err(format!("category {category} has an empty checklist"));
        }
        *slot = Some(info);
    }
    slots
        .into_iter()
        .zip(Category::ALL)
        .map(|(s, c)| s.ok_or_else(|| format!("category {c} missing")))
        .collect()
}

fn info(category: Category) -> Option<&'static CategoryInfo> {
    static INFO: OnceLock<Result<Vec<CategoryInfo>, String>> = OnceLock::new();
    INFO.get_or_init(|| load(CATEGORIES_TOML))
        .as_ref()
        .ok()?
        .get(category.index())
}
