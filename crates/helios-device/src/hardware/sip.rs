//! SIP accounts (manual 5.14) and their registration with the SIP registrar, simulated.
//!
//! At start every account the profile marks `registered` goes `registering`, and
//! [`REGISTRATION_DELAY`] later `registered`, each change a `RegistrationStateChanged` event; the
//! registration time is the moment it succeeded. Accounts not marked stay `unregistered` and raise
//! nothing. Time comes only from the uptime the device passes in, so the sequence is the same on
//! every run under a `ManualClock`.

use std::time::Duration;

use helios_wire::event::Event;

use crate::profile::SipAccount;

/// How long the registrar takes to accept a registration.
pub const REGISTRATION_DELAY: Duration = Duration::from_secs(1);

/// Where an account stands with its registrar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Registration {
    Unregistered,
    /// Registering; it succeeds at `done_at` (uptime).
    Registering {
        done_at: Duration,
    },
    /// Registered since `since` (uptime).
    Registered {
        since: Duration,
    },
}

/// One SIP account as the device sees it.
#[derive(Clone, Debug)]
pub struct SipLine {
    pub account: u8,
    pub number: String,
    /// Whether the profile says the registrar accepts this account.
    accepted: bool,
    pub registration: Registration,
}

impl SipLine {
    /// The uptime of the last successful registration, while registered.
    pub fn registered_since(&self) -> Option<Duration> {
        match self.registration {
            Registration::Registered { since } => Some(since),
            _ => None,
        }
    }
}

/// The device's SIP accounts.
#[derive(Clone, Debug)]
pub struct SimSip {
    lines: Vec<SipLine>,
}

impl SimSip {
    /// The accounts of a profile, numbered as there, all unregistered until [`SimSip::start`].
    pub fn new(accounts: &[SipAccount]) -> Self {
        let mut lines: Vec<SipLine> = accounts
            .iter()
            .map(|account| SipLine {
                account: account.account,
                number: account.number.clone(),
                accepted: account.registered,
                registration: Registration::Unregistered,
            })
            .collect();
        lines.sort_by_key(|line| line.account);
        Self { lines }
    }

    /// The device has started: accounts the registrar accepts begin registering. Returns the
    /// events of that moment.
    pub fn start(&mut self, now: Duration) -> Vec<Event> {
        self.lines
            .iter_mut()
            .filter(|line| line.accepted)
            .map(|line| {
                line.registration = Registration::Registering {
                    done_at: now + REGISTRATION_DELAY,
                };
                registration_event(line.account, "registering")
            })
            .collect()
    }

    /// Completes the registrations due by `now`, each event at its due time.
    pub fn settle(&mut self, now: Duration) -> Vec<(Duration, Event)> {
        let mut changes = Vec::new();
        for line in &mut self.lines {
            if let Registration::Registering { done_at } = line.registration
                && done_at <= now
            {
                line.registration = Registration::Registered { since: done_at };
                changes.push((done_at, registration_event(line.account, "registered")));
            }
        }
        changes
    }

    /// The earliest registration still to complete.
    pub fn next_deadline(&self) -> Option<Duration> {
        self.lines
            .iter()
            .filter_map(|line| match line.registration {
                Registration::Registering { done_at } => Some(done_at),
                _ => None,
            })
            .min()
    }

    /// Every account, by number.
    pub fn lines(&self) -> impl Iterator<Item = &SipLine> {
        self.lines.iter()
    }
}

fn registration_event(account: u8, state: &str) -> Event {
    Event::RegistrationStateChanged {
        sip_account: u32::from(account),
        state: state.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(account: u8, registered: bool) -> SipAccount {
        SipAccount {
            account,
            number: format!("50{account}"),
            registered,
            domain: "localhost".into(),
        }
    }

    #[test]
    fn accepted_accounts_register_after_the_delay() {
        let mut sip = SimSip::new(&[account(2, false), account(1, true)]);
        let started = sip.start(Duration::ZERO);
        assert_eq!(started, [registration_event(1, "registering")]);
        assert_eq!(sip.next_deadline(), Some(REGISTRATION_DELAY));
        assert!(sip.settle(Duration::from_millis(999)).is_empty());
        let done = sip.settle(Duration::from_secs(5));
        assert_eq!(
            done,
            [(REGISTRATION_DELAY, registration_event(1, "registered"))]
        );
        let lines: Vec<_> = sip
            .lines()
            .map(|l| (l.account, l.registered_since()))
            .collect();
        assert_eq!(lines, [(1, Some(REGISTRATION_DELAY)), (2, None)]);
        assert_eq!(sip.next_deadline(), None);
    }
}
