//! State kept across frames by a protocol module, behind a lock that never
//! hands out what a panic left half-updated.
//!
//! Every callback Wireshark makes into the plugin catches panics (see
//! `epan`), so a bug in one frame does not end tshark. But a panic while a
//! module holds its lock poisons it, and reusing the data as the panic left
//! it could make every later frame wrong in ways nobody would notice. So a
//! poisoned `State` starts afresh, as at the start of a capture file: the
//! frames after the bug are decoded as if the capture began there, and the
//! panic itself was already reported (an expert info on its frame, or a
//! message on standard error).
#![forbid(unsafe_code)]

use std::sync::{Mutex, MutexGuard};

use once_cell::sync::OnceCell;

/// A module's state, built by `fresh` on first use and after a panic.
pub struct State<T> {
    cell: OnceCell<Mutex<T>>,
    fresh: fn() -> T,
}

impl<T> State<T> {
    pub const fn new(fresh: fn() -> T) -> State<T> {
        State {
            cell: OnceCell::new(),
            fresh,
        }
    }

    /// The state, for the caller alone until the guard is dropped.
    pub fn lock(&self) -> MutexGuard<'_, T> {
        let mutex = self.cell.get_or_init(|| Mutex::new((self.fresh)()));
        match mutex.lock() {
            Ok(guard) => guard,
            Err(poisoned) => {
                let mut guard = poisoned.into_inner();
                *guard = (self.fresh)();
                mutex.clear_poison();
                guard
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static COUNTER: State<Vec<u32>> = State::new(|| vec![0]);

    #[test]
    fn a_panic_while_locked_leaves_fresh_state_behind() {
        COUNTER.lock().push(1);
        assert_eq!(*COUNTER.lock(), vec![0, 1]);
        let outcome = std::panic::catch_unwind(|| {
            let mut state = COUNTER.lock();
            state.push(2);
            panic!("half-way through an update");
        });
        assert!(outcome.is_err());
        assert_eq!(*COUNTER.lock(), vec![0], "the half-updated state is gone");
        COUNTER.lock().push(3);
        assert_eq!(*COUNTER.lock(), vec![0, 3], "and the lock works as before");
    }
}
