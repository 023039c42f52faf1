//! Everything the sandbox holds while it runs: the stores of each product, the settings, the
//! request log and pending faults behind one lock, and beside it the clock and the traffic
//! counters, which need no lock.

use crate::clock::Clock;
use crate::config::SandboxConfig;
use crate::customers::Customers;
use crate::directory::Directory;
use crate::faults::Faults;
use crate::ids::Ids;
use crate::log::RequestLog;
use crate::onetalk::OneTalkStore;
use crate::powertalk::PowerTalkStore;
use crate::sendtalk::SendTalkStore;
use crate::settings::Settings;
use crate::tickets::Tickets;
use crate::traffic::Traffic;
use crate::verification::Verifications;
use crate::webhooks::Emitter;
use std::sync::{Mutex, MutexGuard};

#[derive(Debug)]
pub struct State {
    pub settings: Settings,
    pub ids: Ids,
    pub powertalk: PowerTalkStore,
    pub sendtalk: SendTalkStore,
    pub onetalk: OneTalkStore,
    /// PowerTalk users and rooms.
    pub directory: Directory,
    /// OneTalk customer users.
    pub customers: Customers,
    /// Auth tickets of both products.
    pub tickets: Tickets,
    /// SendTalk verification requests.
    pub verifications: Verifications,
    pub log: RequestLog,
    pub faults: Faults,
    /// Outgoing callbacks (organisation webhook, chatbot) and their record.
    pub webhooks: Emitter,
}

impl State {
    pub fn new(config: &SandboxConfig) -> State {
        State {
            settings: Settings::from_config(config),
            ids: Ids::seeded(),
            powertalk: PowerTalkStore::default(),
            sendtalk: SendTalkStore::default(),
            onetalk: OneTalkStore::default(),
            directory: Directory::default(),
            customers: Customers::default(),
            tickets: Tickets::default(),
            verifications: Verifications::default(),
            log: RequestLog::default(),
            faults: Faults::default(),
            webhooks: Emitter::new(config.webhooks.clone()),
        }
    }
}

/// Everything the worker threads share. The lock is only ever held for
/// bookkeeping, never across a sleep or a socket read or write.
#[derive(Debug)]
pub struct Shared {
    pub config: SandboxConfig,
    pub clock: Clock,
    pub traffic: Traffic,
    state: Mutex<State>,
}

impl Shared {
    pub fn new(config: SandboxConfig) -> Shared {
        let state = Mutex::new(State::new(&config));
        Shared {
            config,
            clock: Clock::new(),
            traffic: Traffic::default(),
            state,
        }
    }

    /// A handler that panicked must not take the whole sandbox with it, so a
    /// poisoned lock is simply taken over.
    pub fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn reset(&self) {
        *self.lock() = State::new(&self.config);
        // A frozen clock runs again, from where it stood.
        self.clock.resume();
        self.traffic.reset();
    }
}
