//! Identity numbers: the citizen ID (CCCD), the enterprise tax code (MST)
//! and the mobile phone number, each parsed once into a type that cannot
//! hold a malformed value.
//!
//! Their errors are machine codes (`cccd.shape`, `mst.check_digit`,
//! `phone.prefix`…) that the UI translates; `code()` returns the same text.

mod cccd;
mod mst;
mod phone;
mod province;

pub use cccd::{CitizenId, CitizenIdError, Sex};
pub use mst::{TaxCode, TaxCodeError};
pub use phone::{PhoneNumber, PhoneNumberError};
pub use province::Province;
