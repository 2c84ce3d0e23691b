//! The connections the device holds open at once, per client address and in all, both
//! listeners together: a connection beyond either cap is closed as soon as it is accepted,
//! before TLS or any byte is read, so that no client can hold more of the device's memory and
//! tasks than its share (`[system] connections_per_address`, `connections`).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError};

/// The caps and what is held against them.
#[derive(Debug)]
pub(super) struct Slots {
    per_address: u32,
    total: u32,
    held: Mutex<Held>,
}

#[derive(Debug, Default)]
struct Held {
    by_address: HashMap<IpAddr, u32>,
    total: u32,
}

/// One connection's place, given back when it is dropped (the connection's task ended).
#[derive(Debug)]
pub(super) struct Slot {
    slots: Arc<Slots>,
    address: IpAddr,
}

/// Why a connection was refused a place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Full {
    Address,
    Total,
}

impl Slots {
    pub(super) fn new(per_address: u32, total: u32) -> Arc<Self> {
        Arc::new(Self {
            per_address,
            total,
            held: Mutex::default(),
        })
    }

    /// A place for a connection from `address`, or which cap it would pass.
    pub(super) fn take(self: &Arc<Self>, address: IpAddr) -> Result<Slot, Full> {
        let mut held = self.held.lock().unwrap_or_else(PoisonError::into_inner);
        if held.total >= self.total {
            return Err(Full::Total);
        }
        let count = held.by_address.entry(address).or_default();
        if *count >= self.per_address {
            return Err(Full::Address);
        }
        *count += 1;
        held.total += 1;
        Ok(Slot {
            slots: self.clone(),
            address,
        })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut held = self
            .slots
            .held
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        held.total = held.total.saturating_sub(1);
        if let Some(count) = held.by_address.get_mut(&self.address) {
            *count -= 1;
            if *count == 0 {
                held.by_address.remove(&self.address);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_are_capped_per_address_and_in_all_and_given_back() {
        let slots = Slots::new(2, 3);
        let (a, b) = (IpAddr::from([10, 0, 0, 1]), IpAddr::from([10, 0, 0, 2]));
        let first = slots.take(a).expect("a place");
        let _second = slots.take(a).expect("a place");
        assert_eq!(slots.take(a).err(), Some(Full::Address));
        let _third = slots.take(b).expect("a place");
        assert_eq!(slots.take(b).err(), Some(Full::Total));
        drop(first);
        assert!(slots.take(a).is_ok());
        assert!(slots.held.lock().expect("held").by_address.len() <= 2);
    }
}
