//! Terminal-side outcomes: failures that never produce a field 39.

use core::fmt;
use core::str::FromStr;

use super::category::{Category, Flag, Flags, Responsible, Retry};
use super::code::{Lang, ParseNameError};

/// What the terminal saw when no field 39 came back (or when it could not use the one that did).
///
/// These are kept apart from response codes: no value of field 39 is invented for them. Each one
/// yields a category and says whether a reversal is due: a request that may have reached the
/// host (sent in full, or in part) must be reversed; one that never left the terminal must not.
///
/// ```
/// use iso8583_wire::response::{Category, Diagnosis, Outcome};
///
/// let outcome: Outcome = "no-response".parse()?;
/// let d = Diagnosis::for_outcome(outcome);
/// assert_eq!(d.category(), Category::Timeout);
/// assert!(d.reversal());
/// assert!(!Diagnosis::for_outcome(Outcome::ConnectionFailed).reversal());
/// # Ok::<(), iso8583_wire::response::ParseNameError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// No connection could be made (name lookup, TCP connect, TLS handshake, no carrier); nothing
    /// was sent. `connection-failed`.
    ConnectionFailed,
    /// Writing the request failed part-way. When no byte at all was written, report
    /// [`ConnectionFailed`](Self::ConnectionFailed) instead. `send-failed`.
    SendFailed,
    /// The request was written in full, then the connection closed before an answer came.
    /// `connection-lost`.
    ///
    /// Its category is [`Category::NetworkFault`], as for [`SendFailed`](Self::SendFailed),
    /// rather than [`Category::Timeout`] as for [`NoResponse`](Self::NoResponse): the link
    /// broke after the request left, which is what a network fault is, and no timer expired;
    /// the operator checks the line, not the host's response time. Like both, it calls for a
    /// reversal: the host may have received and approved the request.
    ConnectionLost,
    /// The request was sent in full and no answer came in time. `no-response`.
    NoResponse,
    /// The answer came after the terminal had given up. `late-response`.
    LateResponse,
    /// The answer's MAC did not verify. `response-mac-failed`.
    ResponseMacFailed,
    /// The answer could not be decoded. `malformed-response`.
    MalformedResponse,
    /// The transaction was cancelled (cashier, card removed, PIN entry cancelled) before anything
    /// was sent. `cancelled-before-send`.
    CancelledBeforeSend,
    /// The host approved, but the terminal could not complete (chip card declined afterwards,
    /// printer or power failure, cashier cancelled). `terminated-after-approval`.
    TerminatedAfterApproval,
}

const SIGN_ON: Flags = Flags::EMPTY.with(Flag::SignOn);

pub(crate) struct OutcomeInfo {
    pub(crate) category: Category,
    pub(crate) responsible: Responsible,
    pub(crate) retry: Retry,
    pub(crate) reversal: bool,
    pub(crate) flags: Flags,
    pub(crate) meaning: &'static str,
    pub(crate) meaning_zh: &'static str,
    pub(crate) prompt: &'static str,
    pub(crate) prompt_zh: &'static str,
}

impl Outcome {
    /// Every outcome, in declaration order.
    pub const ALL: [Self; 9] = [
        Self::ConnectionFailed,
        Self::SendFailed,
        Self::ConnectionLost,
        Self::NoResponse,
        Self::LateResponse,
        Self::ResponseMacFailed,
        Self::MalformedResponse,
        Self::CancelledBeforeSend,
        Self::TerminatedAfterApproval,
    ];

    /// The name used on the command line.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::ConnectionFailed => "connection-failed",
            Self::SendFailed => "send-failed",
            Self::ConnectionLost => "connection-lost",
            Self::NoResponse => "no-response",
            Self::LateResponse => "late-response",
            Self::ResponseMacFailed => "response-mac-failed",
            Self::MalformedResponse => "malformed-response",
            Self::CancelledBeforeSend => "cancelled-before-send",
            Self::TerminatedAfterApproval => "terminated-after-approval",
        }
    }

    /// Whether the request may have reached the host.
    #[must_use]
    pub const fn may_have_reached_host(self) -> bool {
        !matches!(self, Self::ConnectionFailed | Self::CancelledBeforeSend)
    }

    pub(crate) const fn info(self) -> &'static OutcomeInfo {
        match self {
            Self::ConnectionFailed => &OutcomeInfo {
                category: Category::ConnectionFailure,
                responsible: Responsible::Network,
                retry: Retry::Immediately,
                reversal: false,
                flags: Flags::EMPTY,
                meaning: "Connection failed before the request was sent; nothing reached the host",
                meaning_zh: "请求发出前连接失败，主机未收到任何数据",
                prompt: "No connection: nothing was charged, try again",
                prompt_zh: "网络连接失败，未扣款，请重试",
            },
            Self::SendFailed => &OutcomeInfo {
                category: Category::NetworkFault,
                responsible: Responsible::Network,
                retry: Retry::AfterReversal,
                reversal: true,
                flags: Flags::EMPTY,
                meaning: "Sending the request failed part-way; the host may have received it",
                meaning_zh: "请求发送中途失败，主机可能已收到",
                prompt: "Connection lost while sending: wait for the reversal, then try again",
                prompt_zh: "发送中断，请等待冲正完成后重试",
            },
            Self::ConnectionLost => &OutcomeInfo {
                category: Category::NetworkFault,
                responsible: Responsible::Network,
                retry: Retry::AfterReversal,
                reversal: true,
                flags: Flags::EMPTY,
                meaning: "The connection closed after a complete send and before an answer came; the issuer may have approved (reversal reason: UnionPay 98, ISO 68)",
                meaning_zh: "请求已完整发出，但在收到应答前连接断开，发卡方可能已批准（冲正原因：银联98）",
                prompt: "Connection lost before the answer: wait for the reversal, then try again",
                prompt_zh: "连接中断，未收到应答，请等待冲正完成后重试",
            },
            Self::NoResponse => &OutcomeInfo {
                category: Category::Timeout,
                responsible: Responsible::Network,
                retry: Retry::AfterReversal,
                reversal: true,
                flags: Flags::EMPTY,
                meaning: "No response after a complete send; the issuer may have approved (reversal reason: UnionPay 98, Mastercard 82 or 68)",
                meaning_zh: "请求已完整发出但无应答，发卡方可能已批准（冲正原因：银联98）",
                prompt: "No answer from the bank: wait for the reversal, then try again",
                prompt_zh: "交易超时，请等待冲正完成后重试",
            },
            Self::LateResponse => &OutcomeInfo {
                category: Category::Timeout,
                responsible: Responsible::Network,
                retry: Retry::AfterReversal,
                reversal: true,
                flags: Flags::EMPTY,
                meaning: "The response arrived after the terminal gave up; reverse unless a reversal is already queued (reason: response received too late, ISO 68)",
                meaning_zh: "应答在终端放弃等待后才到达；如尚未冲正，须冲正（原因：应答太迟）",
                prompt: "The answer came too late: wait for the reversal, then try again",
                prompt_zh: "应答超时，请等待冲正完成后重试",
            },
            Self::ResponseMacFailed => &OutcomeInfo {
                category: Category::NetworkFault,
                responsible: Responsible::Network,
                retry: Retry::AfterReversal,
                reversal: true,
                flags: SIGN_ON,
                meaning: "The response's MAC did not verify; the answer cannot be trusted (reversal reason: UnionPay A0)",
                meaning_zh: "应答MAC校验失败，应答不可信（冲正原因：银联A0）",
                prompt: "Response check failed: wait for the reversal, sign on again, then try again",
                prompt_zh: "MAC校验错，请等待冲正完成并重新签到后重试",
            },
            Self::MalformedResponse => &OutcomeInfo {
                category: Category::NetworkFault,
                responsible: Responsible::Network,
                retry: Retry::AfterReversal,
                reversal: true,
                flags: Flags::EMPTY,
                meaning: "The response could not be decoded (truncated or garbled); the outcome is unknown (reversal reason: UnionPay 06)",
                meaning_zh: "应答报文无法解析（不完整或错误），交易结果未知（冲正原因：银联06）",
                prompt: "Bad answer from the bank: wait for the reversal, then try again",
                prompt_zh: "应答报文错误，请等待冲正完成后重试",
            },
            Self::CancelledBeforeSend => &OutcomeInfo {
                category: Category::Terminated,
                responsible: Responsible::Merchant,
                retry: Retry::Immediately,
                reversal: false,
                flags: Flags::EMPTY,
                meaning: "Cancelled at the terminal before the request was sent; nothing happened at the host",
                meaning_zh: "请求发出前在终端取消，主机未发生任何交易",
                prompt: "Cancelled: nothing was charged",
                prompt_zh: "交易已取消，未扣款",
            },
            Self::TerminatedAfterApproval => &OutcomeInfo {
                category: Category::Terminated,
                responsible: Responsible::Merchant,
                retry: Retry::AfterReversal,
                reversal: true,
                flags: Flags::EMPTY,
                meaning: "The host approved but the terminal could not complete; the approval must be reversed (reversal reason: UnionPay 96, Mastercard 17)",
                meaning_zh: "主机已批准但终端无法完成交易，须冲正（冲正原因：银联96）",
                prompt: "Not completed: the approval will be reversed, then try again",
                prompt_zh: "交易未完成，将自动冲正，请稍后重试",
            },
        }
    }

    /// What happened, for people.
    #[must_use]
    pub fn meaning(self, lang: Lang) -> &'static str {
        let i = self.info();
        lang.pick(i.meaning, i.meaning_zh)
    }
}

impl FromStr for Outcome {
    type Err = ParseNameError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .iter()
            .copied()
            .find(|o| o.as_str() == s)
            .ok_or(ParseNameError::new(
                "outcome",
                "connection-failed|send-failed|connection-lost|no-response|late-response|response-mac-failed|malformed-response|cancelled-before-send|terminated-after-approval",
            ))
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
