//! `/api/email/…`: user e-mails.

pub mod send;
