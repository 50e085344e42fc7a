//! Open code types: a small number of a fixed width (a part of DE3 or DE22) with named
//! constants for the values in common use; any other value of the width is kept as it is.

/// Defines a code newtype over `u8` whose values run from 0 to `max`, with a constant and a
/// name for each listed value.
macro_rules! named_code {
    (
        $(#[$doc:meta])*
        $ty:ident, max = $max:literal, {
            $( $(#[$cdoc:meta])* $konst:ident = $code:literal, $label:literal; )*
        }
    ) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $ty(u8);

        impl $ty {
            $( $(#[$cdoc])* pub const $konst: Self = Self($code); )*

            #[doc = concat!("The code `code`, `None` when it is over ", stringify!($max), ".")]
            #[must_use]
            pub const fn new(code: u8) -> Option<Self> {
                if code <= $max {
                    Some(Self(code))
                } else {
                    None
                }
            }

            #[doc = concat!("The code, 0 to ", stringify!($max), ".")]
            #[must_use]
            pub const fn code(self) -> u8 {
                self.0
            }

            /// The name of a value with a constant here, `None` for the others.
            #[must_use]
            pub const fn name(self) -> Option<&'static str> {
                match self.0 {
                    $( $code => Some($label), )*
                    _ => None,
                }
            }
        }
    };
}

pub(crate) use named_code;
