//! Fork safety: what the library holds must stay usable in a process forked from one that
//! already used it (gunicorn or uWSGI with `--preload`, Celery's prefork pool,
//! `multiprocessing` with the fork start method, C pre-fork servers).
//!
//! Only the forking thread goes on in the child. So two things from the parent cannot be
//! trusted there:
//! - **its connections**: the parent may still be reading and writing them, and a child that
//!   used them would read the parent's replies (and the parent the child's). A child never
//!   touches them, and never sends anything on them (no shutdown, no TLS close_notify);
//! - **locks held by its other threads** at the moment of the fork: those threads do not
//!   exist in the child, so such a lock would never be released.
//!
//! A `pthread_atfork` child handler bumps the process's fork [`generation`]. [`PerProcess`]
//! keeps one value per generation (the client's transport: its connection pool, resolver
//! cache and resolver threads), made afresh in a child; [`ForkLock`] is a lock that a child
//! takes over when it finds it held by a thread of an earlier generation (which, there, is
//! gone).

use std::cell::UnsafeCell;
use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicU64, AtomicU8, Ordering};
use std::sync::Arc;

/// Bumped in every child right after `fork()`.
static GENERATION: AtomicU64 = AtomicU64::new(0);
/// 0: the handler is not registered yet; 1: being registered; 2: registered.
static REGISTERED: AtomicU8 = AtomicU8::new(0);

extern "C" fn in_child() {
    // Async-signal-safe: one atomic add, nothing else.
    GENERATION.fetch_add(1, Ordering::SeqCst);
}

/// The process's fork generation: 0 in a process that has not been forked since the
/// library first looked, one more in each child. Registers the `pthread_atfork` handler on
/// first use (without a `Once`, which a child could find stuck "running" forever).
pub(crate) fn generation() -> u64 {
    if REGISTERED.load(Ordering::Acquire) != 2
        && REGISTERED
            .compare_exchange(0, 1, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
    {
        // SAFETY: registers a plain function with no captured state; the handler only does
        // an atomic add, which is async-signal-safe as a child handler must be.
        unsafe { libc::pthread_atfork(None, None, Some(in_child)) };
        REGISTERED.store(2, Ordering::Release);
    }
    GENERATION.load(Ordering::Acquire)
}

/// A small lock for the library's process-wide and per-client state, held only for a few
/// instructions (swapping or cloning an `Arc`). Unlike `std::sync::Mutex`, a child that finds
/// it held by a thread of the process it was forked from takes it over: that thread does not
/// exist in the child and would never release it. Values guarded by it are replaced whole
/// (a pointer-sized write), so a holder stopped by the fork leaves no half-written value.
pub(crate) struct ForkLock<T> {
    /// 0 when free, else the holder's generation + 1.
    state: AtomicU64,
    value: UnsafeCell<T>,
}

// SAFETY: the value is reached only through a guard, and one guard exists at a time.
unsafe impl<T: Send> Sync for ForkLock<T> {}
// SAFETY: as above; the lock owns its value.
unsafe impl<T: Send> Send for ForkLock<T> {}

impl<T> ForkLock<T> {
    pub(crate) const fn new(value: T) -> ForkLock<T> {
        ForkLock {
            state: AtomicU64::new(0),
            value: UnsafeCell::new(value),
        }
    }

    pub(crate) fn lock(&self) -> ForkGuard<'_, T> {
        let mine = generation() + 1;
        let mut spins = 0u32;
        loop {
            match self
                .state
                .compare_exchange_weak(0, mine, Ordering::Acquire, Ordering::Relaxed)
            {
                Ok(_) => return ForkGuard { lock: self },
                // Held by a thread of an earlier generation: gone in this process.
                Err(held)
                    if held != 0
                        && held < mine
                        && self
                            .state
                            .compare_exchange(held, mine, Ordering::Acquire, Ordering::Relaxed)
                            .is_ok() =>
                {
                    return ForkGuard { lock: self }
                }
                Err(_) => {
                    spins += 1;
                    if spins < 64 {
                        std::hint::spin_loop();
                    } else {
                        std::thread::yield_now();
                    }
                }
            }
        }
    }
}

pub(crate) struct ForkGuard<'a, T> {
    lock: &'a ForkLock<T>,
}

impl<T> Deref for ForkGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: this guard is the only one (the lock's state says so) while it lives.
        unsafe { &*self.lock.value.get() }
    }
}

impl<T> DerefMut for ForkGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as in deref.
        unsafe { &mut *self.lock.value.get() }
    }
}

impl<T> Drop for ForkGuard<'_, T> {
    fn drop(&mut self) {
        self.lock.state.store(0, Ordering::Release);
    }
}

/// One value per process: the one made where the owner was created (`home`, used with no
/// lock at all), and in a forked child one made afresh on first use there. The parent's is
/// never touched in a child: not even dropped until the owner is, since a lock inside it may
/// be held by a thread the child does not have.
pub(crate) struct PerProcess<T> {
    home: T,
    home_generation: u64,
    forked: ForkLock<Option<(u64, Arc<T>)>>,
}

/// The value for the calling process: borrowed (the home one) or shared (a child's).
pub(crate) enum Current<'a, T> {
    Home(&'a T),
    Forked(Arc<T>),
}

impl<T> Deref for Current<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        match self {
            Current::Home(value) => value,
            Current::Forked(value) => value,
        }
    }
}

impl<T> PerProcess<T> {
    pub(crate) fn new(home: T) -> PerProcess<T> {
        PerProcess {
            home,
            home_generation: generation(),
            forked: ForkLock::new(None),
        }
    }

    /// The value for this process; in a child, made with `make` the first time.
    pub(crate) fn get(&self, make: impl FnOnce() -> T) -> Current<'_, T> {
        let now = generation();
        if now == self.home_generation {
            return Current::Home(&self.home);
        }
        let mut slot = self.forked.lock();
        if let Some((made_in, value)) = slot.as_ref() {
            if *made_in == now {
                return Current::Forked(value.clone());
            }
        }
        let value = Arc::new(make());
        // The earlier generation's value goes after the lock is released; dropping it takes
        // no lock of its own.
        let earlier = slot.replace((now, value.clone()));
        drop(slot);
        drop(earlier);
        Current::Forked(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lock_held_by_an_earlier_generation_is_taken_over() {
        let lock = ForkLock::new(5);
        // As a child finds it: held by a thread of the parent (generation + 1 of the parent).
        let parent_holder = generation() + 1;
        lock.state.store(parent_holder, Ordering::SeqCst);
        GENERATION.fetch_add(1, Ordering::SeqCst);
        *lock.lock() += 1;
        assert_eq!(*lock.lock(), 6);
        assert_eq!(lock.state.load(Ordering::SeqCst), 0);
    }

    #[test]
    fn a_value_is_made_once_per_generation_and_the_home_one_kept() {
        let made = std::sync::atomic::AtomicUsize::new(0);
        let values = PerProcess::new(0usize);
        let make = || made.fetch_add(1, Ordering::SeqCst) + 1;
        // (Another test of this binary may bump the generation meanwhile: then this one
        // already counts as a child.)
        if generation() == values.home_generation {
            assert_eq!(*values.get(make), 0);
        }
        GENERATION.fetch_add(1, Ordering::SeqCst);
        let first = *values.get(make);
        assert_eq!(*values.get(make), first, "made once in this generation");
        assert_ne!(generation(), values.home_generation);
        assert_eq!(values.home, 0, "the home value is untouched");
    }
}
