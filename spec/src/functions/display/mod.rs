//! `/api/display/…`: the displays and what they show.

pub mod caps;
pub mod image;
