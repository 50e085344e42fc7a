//! [`ProcessingCode`], DE3: the transaction type and the accounts it moves money from and to.

use super::code::named_code;
use super::digits::{self, pair};
use super::error::ParseError;
use super::serde_text::{text_serde, TextValue};
use core::fmt;
use core::str::FromStr;

/// DE3, the processing code, `n 6`: transaction type (2 digits), "from" account type (2) and
/// "to" account type (2). `000000` is a purchase from the default account; `200000` a refund;
/// `013000` cash from a credit account.
///
/// Every two-digit value is kept, named or not: networks and ISO 8583's reserved ranges add
/// their own (China UnionPay uses `03` for a pre-authorisation, for example).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ProcessingCode {
    /// Positions 1–2: what the transaction does.
    pub transaction: TransactionType,
    /// Positions 3–4: the account money comes from (or is inquired about).
    pub from_account: AccountType,
    /// Positions 5–6: the account money goes to.
    pub to_account: AccountType,
}

impl ProcessingCode {
    /// A processing code from its parts.
    #[must_use]
    pub const fn new(
        transaction: TransactionType,
        from_account: AccountType,
        to_account: AccountType,
    ) -> Self {
        Self {
            transaction,
            from_account,
            to_account,
        }
    }
}

impl fmt::Display for ProcessingCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:02}{:02}{:02}",
            self.transaction.0, self.from_account.0, self.to_account.0
        )
    }
}

impl FromStr for ProcessingCode {
    type Err = ParseError;

    /// Six digits.
    fn from_str(s: &str) -> Result<Self, ParseError> {
        let v = digits::fixed(s, "processing code", 6)?;
        // Each pair is below 100.
        let two = |at| u8::try_from(pair(v, at)).unwrap_or(0);
        Ok(Self::new(
            TransactionType(two(4)),
            AccountType(two(2)),
            AccountType(two(0)),
        ))
    }
}

impl TextValue for ProcessingCode {
    const EXPECTING: &'static str = "a processing code of six digits";
    const DIGITS: Option<usize> = Some(6);
}

text_serde!(ProcessingCode);

named_code!(
    /// Positions 1–2 of DE3, the transaction type, 00 to 99. The constants are the codes of ISO
    /// 8583:1987 as commonly documented: 00–19 debits, 20–29 credits, 30–39 inquiries, 40–49
    /// transfers.
    TransactionType, max = 99, {
        /// `00` goods and services (a purchase, a sale).
        PURCHASE = 0, "purchase";
        /// `01` cash withdrawal or cash advance.
        CASH = 1, "cash";
        /// `02` debit adjustment.
        DEBIT_ADJUSTMENT = 2, "debit adjustment";
        /// `03` cheque guarantee (China UnionPay: pre-authorisation).
        CHEQUE_GUARANTEE = 3, "cheque guarantee";
        /// `04` cheque verification.
        CHEQUE_VERIFICATION = 4, "cheque verification";
        /// `09` goods and services with cash disbursement (purchase with cashback).
        PURCHASE_WITH_CASHBACK = 9, "purchase with cashback";
        /// `10` non-cash financial instrument (wire transfer, money order).
        NON_CASH_INSTRUMENT = 10, "non-cash financial instrument";
        /// `11` quasi-cash and scrip.
        QUASI_CASH = 11, "quasi-cash";
        /// `20` returns: a refund (China UnionPay also sends a void as `20`).
        REFUND = 20, "refund";
        /// `21` deposit.
        DEPOSIT = 21, "deposit";
        /// `22` credit adjustment.
        CREDIT_ADJUSTMENT = 22, "credit adjustment";
        /// `30` available funds inquiry.
        AVAILABLE_FUNDS_INQUIRY = 30, "available funds inquiry";
        /// `31` balance inquiry.
        BALANCE_INQUIRY = 31, "balance inquiry";
        /// `40` transfer between the cardholder's accounts.
        TRANSFER = 40, "transfer";
    }
);

named_code!(
    /// Positions 3–4 or 5–6 of DE3, an account type, 00 to 99 (ISO 8583:1987 as commonly
    /// documented).
    AccountType, max = 99, {
        /// `00` default or unspecified account.
        DEFAULT = 0, "default";
        /// `10` savings account.
        SAVINGS = 10, "savings";
        /// `20` checking (cheque) account.
        CHECKING = 20, "checking";
        /// `30` credit account (credit card, credit facility).
        CREDIT = 30, "credit";
        /// `40` universal account.
        UNIVERSAL = 40, "universal";
        /// `50` investment account.
        INVESTMENT = 50, "investment";
    }
);
