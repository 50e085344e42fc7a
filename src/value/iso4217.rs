//! The ISO 4217 currency table: every active currency's alpha code, numeric code and
//! minor-unit exponent.
//!
//! Source: ISO 4217 "List One: Currency, fund and precious metal codes", maintained for ISO by
//! SIX Financial Information (the maintenance agency), as amended through 2025: the Caribbean
//! guilder XCG (532) in place of the Netherlands Antillean guilder ANG, Zimbabwe Gold ZWG (924)
//! in place of ZWL, and the kuna HRK and the lev BGN withdrawn after Croatia (2023) and
//! Bulgaria (2026) adopted the euro. Funds codes (BOV, CHE, CHW, CLF, COU, MXV, USN, UYI, UYW)
//! are included. `None` is the list's "N.A.": precious metals, SDR, bond-market units, the
//! testing code and "no currency", whose amounts have no minor unit.
//!
//! The table is sorted by alpha code (a test checks this), and each numeric code appears once.

/// An active ISO 4217 currency, from the table of every one (ISO 4217 List One, maintained by
/// SIX; see the module's source for the edition).
///
/// Made only from the table ([`Currency::from_alpha`], [`Currency::from_numeric`], `FromStr`),
/// so every value is a real currency. Shown by its alpha code (`USD`); read from the alpha
/// code or the three-digit numeric code (`840`) as DE49–DE51 carry it; serde writes the alpha
/// code and reads either, or the numeric code as an integer.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Currency {
    alpha: &'static str,
    numeric: u16,
    exponent: Option<u8>,
}

impl Currency {
    /// A table entry.
    pub(crate) const fn entry(alpha: &'static str, numeric: u16, exponent: Option<u8>) -> Self {
        Self {
            alpha,
            numeric,
            exponent,
        }
    }

    /// The alpha code, `"USD"`.
    #[must_use]
    pub const fn alpha(&self) -> &'static str {
        self.alpha
    }

    /// The numeric code, `840`.
    #[must_use]
    pub const fn numeric(&self) -> u16 {
        self.numeric
    }

    /// The minor-unit exponent: the number of decimal places of the currency's minor unit
    /// (2 for USD, 0 for JPY, 3 for KWD, 4 for CLF), or `None` where ISO 4217 says "N.A."
    /// (gold, silver, SDR and other units with no minor unit).
    #[must_use]
    pub const fn exponent(&self) -> Option<u8> {
        self.exponent
    }

    /// The number of decimal places amounts are written with: the exponent, or 0 for a
    /// currency without one.
    #[must_use]
    pub const fn decimal_places(&self) -> u8 {
        match self.exponent {
            Some(e) => e,
            None => 0,
        }
    }
}

/// One entry.
const fn c(alpha: &'static str, numeric: u16, exponent: Option<u8>) -> Currency {
    Currency::entry(alpha, numeric, exponent)
}

/// Every active currency, sorted by alpha code.
pub(crate) const TABLE: [Currency; 179] = [
    c("AED", 784, Some(2)),
    c("AFN", 971, Some(2)),
    c("ALL", 8, Some(2)),
    c("AMD", 51, Some(2)),
    c("AOA", 973, Some(2)),
    c("ARS", 32, Some(2)),
    c("AUD", 36, Some(2)),
    c("AWG", 533, Some(2)),
    c("AZN", 944, Some(2)),
    c("BAM", 977, Some(2)),
    c("BBD", 52, Some(2)),
    c("BDT", 50, Some(2)),
    c("BHD", 48, Some(3)),
    c("BIF", 108, Some(0)),
    c("BMD", 60, Some(2)),
    c("BND", 96, Some(2)),
    c("BOB", 68, Some(2)),
    c("BOV", 984, Some(2)),
    c("BRL", 986, Some(2)),
    c("BSD", 44, Some(2)),
    c("BTN", 64, Some(2)),
    c("BWP", 72, Some(2)),
    c("BYN", 933, Some(2)),
    c("BZD", 84, Some(2)),
    c("CAD", 124, Some(2)),
    c("CDF", 976, Some(2)),
    c("CHE", 947, Some(2)),
    c("CHF", 756, Some(2)),
    c("CHW", 948, Some(2)),
    c("CLF", 990, Some(4)),
    c("CLP", 152, Some(0)),
    c("CNY", 156, Some(2)),
    c("COP", 170, Some(2)),
    c("COU", 970, Some(2)),
    c("CRC", 188, Some(2)),
    c("CUC", 931, Some(2)),
    c("CUP", 192, Some(2)),
    c("CVE", 132, Some(2)),
    c("CZK", 203, Some(2)),
    c("DJF", 262, Some(0)),
    c("DKK", 208, Some(2)),
    c("DOP", 214, Some(2)),
    c("DZD", 12, Some(2)),
    c("EGP", 818, Some(2)),
    c("ERN", 232, Some(2)),
    c("ETB", 230, Some(2)),
    c("EUR", 978, Some(2)),
    c("FJD", 242, Some(2)),
    c("FKP", 238, Some(2)),
    c("GBP", 826, Some(2)),
    c("GEL", 981, Some(2)),
    c("GHS", 936, Some(2)),
    c("GIP", 292, Some(2)),
    c("GMD", 270, Some(2)),
    c("GNF", 324, Some(0)),
    c("GTQ", 320, Some(2)),
    c("GYD", 328, Some(2)),
    c("HKD", 344, Some(2)),
    c("HNL", 340, Some(2)),
    c("HTG", 332, Some(2)),
    c("HUF", 348, Some(2)),
    c("IDR", 360, Some(2)),
    c("ILS", 376, Some(2)),
    c("INR", 356, Some(2)),
    c("IQD", 368, Some(3)),
    c("IRR", 364, Some(2)),
    c("ISK", 352, Some(0)),
    c("JMD", 388, Some(2)),
    c("JOD", 400, Some(3)),
    c("JPY", 392, Some(0)),
    c("KES", 404, Some(2)),
    c("KGS", 417, Some(2)),
    c("KHR", 116, Some(2)),
    c("KMF", 174, Some(0)),
    c("KPW", 408, Some(2)),
    c("KRW", 410, Some(0)),
    c("KWD", 414, Some(3)),
    c("KYD", 136, Some(2)),
    c("KZT", 398, Some(2)),
    c("LAK", 418, Some(2)),
    c("LBP", 422, Some(2)),
    c("LKR", 144, Some(2)),
    c("LRD", 430, Some(2)),
    c("LSL", 426, Some(2)),
    c("LYD", 434, Some(3)),
    c("MAD", 504, Some(2)),
    c("MDL", 498, Some(2)),
    c("MGA", 969, Some(2)),
    c("MKD", 807, Some(2)),
    c("MMK", 104, Some(2)),
    c("MNT", 496, Some(2)),
    c("MOP", 446, Some(2)),
    c("MRU", 929, Some(2)),
    c("MUR", 480, Some(2)),
    c("MVR", 462, Some(2)),
    c("MWK", 454, Some(2)),
    c("MXN", 484, Some(2)),
    c("MXV", 979, Some(2)),
    c("MYR", 458, Some(2)),
    c("MZN", 943, Some(2)),
    c("NAD", 516, Some(2)),
    c("NGN", 566, Some(2)),
    c("NIO", 558, Some(2)),
    c("NOK", 578, Some(2)),
    c("NPR", 524, Some(2)),
    c("NZD", 554, Some(2)),
    c("OMR", 512, Some(3)),
    c("PAB", 590, Some(2)),
    c("PEN", 604, Some(2)),
    c("PGK", 598, Some(2)),
    c("PHP", 608, Some(2)),
    c("PKR", 586, Some(2)),
    c("PLN", 985, Some(2)),
    c("PYG", 600, Some(0)),
    c("QAR", 634, Some(2)),
    c("RON", 946, Some(2)),
    c("RSD", 941, Some(2)),
    c("RUB", 643, Some(2)),
    c("RWF", 646, Some(0)),
    c("SAR", 682, Some(2)),
    c("SBD", 90, Some(2)),
    c("SCR", 690, Some(2)),
    c("SDG", 938, Some(2)),
    c("SEK", 752, Some(2)),
    c("SGD", 702, Some(2)),
    c("SHP", 654, Some(2)),
    c("SLE", 925, Some(2)),
    c("SLL", 694, Some(2)),
    c("SOS", 706, Some(2)),
    c("SRD", 968, Some(2)),
    c("SSP", 728, Some(2)),
    c("STN", 930, Some(2)),
    c("SVC", 222, Some(2)),
    c("SYP", 760, Some(2)),
    c("SZL", 748, Some(2)),
    c("THB", 764, Some(2)),
    c("TJS", 972, Some(2)),
    c("TMT", 934, Some(2)),
    c("TND", 788, Some(3)),
    c("TOP", 776, Some(2)),
    c("TRY", 949, Some(2)),
    c("TTD", 780, Some(2)),
    c("TWD", 901, Some(2)),
    c("TZS", 834, Some(2)),
    c("UAH", 980, Some(2)),
    c("UGX", 800, Some(0)),
    c("USD", 840, Some(2)),
    c("USN", 997, Some(2)),
    c("UYI", 940, Some(0)),
    c("UYU", 858, Some(2)),
    c("UYW", 927, Some(4)),
    c("UZS", 860, Some(2)),
    c("VED", 926, Some(2)),
    c("VES", 928, Some(2)),
    c("VND", 704, Some(0)),
    c("VUV", 548, Some(0)),
    c("WST", 882, Some(2)),
    c("XAF", 950, Some(0)),
    c("XAG", 961, None),
    c("XAU", 959, None),
    c("XBA", 955, None),
    c("XBB", 956, None),
    c("XBC", 957, None),
    c("XBD", 958, None),
    c("XCD", 951, Some(2)),
    c("XCG", 532, Some(2)),
    c("XDR", 960, None),
    c("XOF", 952, Some(0)),
    c("XPD", 964, None),
    c("XPF", 953, Some(0)),
    c("XPT", 962, None),
    c("XSU", 994, None),
    c("XTS", 963, None),
    c("XUA", 965, None),
    c("XXX", 999, None),
    c("YER", 886, Some(2)),
    c("ZAR", 710, Some(2)),
    c("ZMW", 967, Some(2)),
    c("ZWG", 924, Some(2)),
];
