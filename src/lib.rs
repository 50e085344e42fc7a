//! iso8583-wire (work in progress)
#![forbid(unsafe_code)]

pub mod response;
