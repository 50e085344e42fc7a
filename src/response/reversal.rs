//! What an answer to a reversal means for the reversal waiting in a journal.

use super::category::{Category, Retry};
use super::code::Dialect;
use super::diagnosis::classify;
use crate::mti::Mti;

/// What an answer to a reversal means for the journalled reversal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ReversalVerdict {
    /// Done: remove it from the journal.
    Accepted,
    /// Send it again later.
    RetryLater,
    /// Stop and show it to a person.
    NeedsPerson,
}

/// Decides from the taxonomy (the [`Diagnosis`](super::Diagnosis)'s category and retry advice
/// in `dialect`) what the answer `code` (DE39 of a 0410/0430) means.
///
/// The code is classified as a result with [`classify`] and the answer's MTI, and then:
///
/// - [`Category::Approved`] (`00`, ISO 8583:1993 `400` reversal accepted, `900`/`901` advice
///   acknowledged, …): [`ReversalVerdict::Accepted`].
/// - A format error whose advice is to check the original ([`Retry::CheckOriginal`]): the
///   original is not on file, was already reversed, or this reversal is a duplicate (ISO
///   8583:1987 and China UnionPay `25` and `94`, ISO 8583:1993 `601`, `913` and `914`, Visa
///   `76`, `79` and `84`, Mastercard `94`): also [`ReversalVerdict::Accepted`]. A reversal
///   exists to undo the original at the host; when the host holds no original to undo, or
///   has undone it already (an earlier copy of this reversal got through and its answer was
///   lost), sending it again can only draw the same answer, so nothing is left for the
///   journal to do; log the answer for reconciliation.
/// - Retry advice [`Retry::Later`], [`Retry::Immediately`] or [`Retry::AfterSignOn`], or a
///   category of a fault on the way or at the host ([`Category::SwitchFault`],
///   [`Category::IssuerUnavailable`], [`Category::Timeout`], [`Category::NetworkFault`],
///   [`Category::ConnectionFailure`]: `91`, `96`, China UnionPay `98`, ISO 8583:1993 `911`,
///   …): [`ReversalVerdict::RetryLater`]. The reversal stays due; these say nothing about the
///   original.
/// - Everything else (a decline, a format error to fix, an unknown code, an answer whose MTI
///   is not that of a reversal response, `x410`/`x430`): [`ReversalVerdict::NeedsPerson`].
///   The money may still be held and no automatic step will change that.
///
/// ```
/// use iso8583_wire::response::{reversal_verdict, Dialect, ReversalVerdict};
/// use iso8583_wire::Mti;
///
/// let answer = Mti::REVERSAL_RESPONSE;
/// assert_eq!(reversal_verdict(Dialect::ChinaUnionPay, answer, b"00"), ReversalVerdict::Accepted);
/// assert_eq!(reversal_verdict(Dialect::ChinaUnionPay, answer, b"25"), ReversalVerdict::Accepted);
/// assert_eq!(reversal_verdict(Dialect::ChinaUnionPay, answer, b"96"), ReversalVerdict::RetryLater);
/// assert_eq!(reversal_verdict(Dialect::ChinaUnionPay, answer, b"30"), ReversalVerdict::NeedsPerson);
/// ```
#[must_use]
pub fn reversal_verdict(dialect: Dialect, answer_mti: Mti, code: &[u8]) -> ReversalVerdict {
    // Field 39 of anything but a reversal response is no answer to a reversal; of a reversal
    // request it would even be read as a reason.
    if !(answer_mti.is_reversal() && answer_mti.is_response()) {
        return ReversalVerdict::NeedsPerson;
    }
    let d = classify(dialect, Some(answer_mti.as_bytes()), code);
    match (d.category(), d.retry()) {
        (Category::Approved, _) | (Category::FormatError, Retry::CheckOriginal) => {
            ReversalVerdict::Accepted
        }
        (_, Retry::Later | Retry::Immediately | Retry::AfterSignOn)
        | (
            Category::SwitchFault
            | Category::IssuerUnavailable
            | Category::Timeout
            | Category::NetworkFault
            | Category::ConnectionFailure,
            _,
        ) => ReversalVerdict::RetryLater,
        _ => ReversalVerdict::NeedsPerson,
    }
}
