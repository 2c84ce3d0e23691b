//! `/api/audio/…`: the loudspeaker and microphone.

pub mod test;
