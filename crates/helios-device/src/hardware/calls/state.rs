//! A call's direction and state, in the words `call/status` and `CallStateChanged` use: what
//! both the calls and their simulated far end (`far_end.rs`) speak of.

/// Who placed the call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Incoming,
    Outgoing,
}

impl Direction {
    pub const fn name(self) -> &'static str {
        match self {
            Self::Incoming => "incoming",
            Self::Outgoing => "outgoing",
        }
    }
}

/// The states of an active call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallState {
    Connecting,
    Ringing,
    Connected,
}

impl CallState {
    pub const fn name(self) -> &'static str {
        match self {
            Self::Connecting => "connecting",
            Self::Ringing => "ringing",
            Self::Connected => "connected",
        }
    }
}
