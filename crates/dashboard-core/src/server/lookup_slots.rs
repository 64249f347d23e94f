//! How many Atlas lookups each credential has in flight in this process, across all of its
//! requests. A page that reads many projects asks for them a few at a time
//! (`api::LOOKUPS_IN_FLIGHT`); the bound is kept here, per credential, rather than per request,
//! so that requests of one person that overlap (the fleet matrix keeps a second request of
//! rows in flight while the browser puts in the first; two tabs on the fleet) share it and
//! never put twice as many calls on Atlas's rate limit as one request would.
//!
//! Keyed by the credential's public id, as `project_names`. An entry lives as long as a
//! request holds its slots (a weak reference otherwise), so the table holds only the
//! credentials that are reading now. Per process: each replica keeps its own bound.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};

use tokio::sync::Semaphore;

#[derive(Default)]
pub struct LookupSlots {
    by_credential: Mutex<HashMap<String, Weak<Semaphore>>>,
}

impl LookupSlots {
    /// The slots of credential `who`: `size` of them, shared with every request of `who`
    /// that holds them now (whose `size` they keep: every caller passes
    /// `api::LOOKUPS_IN_FLIGHT`, which this layer may not name). A lookup holds one while it waits for Atlas. Tokio's semaphore is
    /// fair: lookups get a slot in the order they asked, so no request waits behind another
    /// for long.
    pub fn of(&self, who: &str, size: usize) -> Arc<Semaphore> {
        let mut table = self.by_credential.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(slots) = table.get(who).and_then(Weak::upgrade) {
            return slots;
        }
        // Only credentials reading now are kept: the rest go whenever a new one starts.
        table.retain(|_, slots| slots.strong_count() > 0);
        let slots = Arc::new(Semaphore::new(size));
        table.insert(who.to_string(), Arc::downgrade(&slots));
        slots
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_credential_shares_its_slots_and_only_with_itself() {
        let table = LookupSlots::default();
        let first = table.of("keyone00", 8);
        let again = table.of("keyone00", 8);
        assert!(Arc::ptr_eq(&first, &again));
        let other = table.of("keytwo00", 8);
        assert!(!Arc::ptr_eq(&first, &other));
        assert_eq!(first.available_permits(), 8);
    }

    #[test]
    fn slots_nobody_holds_are_forgotten() {
        let table = LookupSlots::default();
        drop(table.of("keyone00", 8));
        let _held = table.of("keytwo00", 8);
        let entries = table.by_credential.lock().unwrap();
        assert_eq!(
            entries.len(),
            1,
            "only the credential still reading is kept"
        );
        assert!(entries.contains_key("keytwo00"));
    }
}
