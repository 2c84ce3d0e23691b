//! `/api/system/…`: device information, status and restart.

pub mod info;
pub mod restart;
pub mod status;
