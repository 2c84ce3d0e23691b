//! `/api/phone/…`: the SIP accounts.

pub mod status;
