use crate::clock::Clock;
use crate::config::SandboxConfig;
use crate::customers::Customers;
use crate::directory::Directory;
use crate::faults::Faults;
use crate::ids::Ids;
use crate::onetalk::OneTalkStore;
use crate::powertalk::PowerTalkStore;
use crate::sendtalk::SendTalkStore;
use crate::tickets::Tickets;
use crate::verification::Verifications;
use serde_json::{json, Value};
use std::collections::VecDeque;
use std::sync::{Mutex, MutexGuard};

/// The OneTalk organisation's tier, which the real service checks per call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tier {
    Ok,
    /// Every OneTalk call answers 49900.
    None,
    /// `case/update` answers 49901.
    FeatureMissing,
}

impl Tier {
    pub fn parse(s: &str) -> Option<Tier> {
        match s {
            "ok" => Some(Tier::Ok),
            "none" => Some(Tier::None),
            "feature_missing" => Some(Tier::FeatureMissing),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Tier::Ok => "ok",
            Tier::None => "none",
            Tier::FeatureMissing => "feature_missing",
        }
    }
}

/// The part of the configuration a test may change while the sandbox runs.
#[derive(Debug, Clone)]
pub struct Settings {
    pub onetalk_tier: Tier,
    pub sendtalk_balance: Option<u64>,
    pub sendtalk_price: u64,
    pub invalid_recipients: Vec<String>,
    pub delivery_delay_ms: u64,
    pub powertalk_max_body_chars: usize,
    /// `onetalk_since_reading` and `onetalk_page_edge`.
    pub onetalk_paging: crate::onetalk::Paging,
}

impl Settings {
    pub fn from_config(config: &SandboxConfig) -> Settings {
        Settings {
            onetalk_tier: Tier::Ok,
            sendtalk_balance: config.sendtalk_balance,
            sendtalk_price: config.sendtalk_price,
            invalid_recipients: config.invalid_recipients.clone(),
            delivery_delay_ms: config.delivery_delay.as_millis() as u64,
            powertalk_max_body_chars: config.powertalk_max_body_chars.max(1),
            onetalk_paging: crate::onetalk::Paging::default(),
        }
    }

    pub fn to_json(&self) -> Value {
        json!({
            "onetalk_tier": self.onetalk_tier.name(),
            "sendtalk_balance": self.sendtalk_balance,
            "sendtalk_price": self.sendtalk_price,
            "invalid_recipients": self.invalid_recipients,
            "delivery_delay_ms": self.delivery_delay_ms,
            "powertalk_max_body_chars": self.powertalk_max_body_chars,
            "onetalk_since_reading": self.onetalk_paging.reading_name(),
            "onetalk_page_edge": self.onetalk_paging.edge_name(),
        })
    }
}

/// Old entries fall off so a long-running sandbox stays bounded in memory.
const LOG_CAPACITY: usize = 10_000;

#[derive(Debug, Default)]
pub struct RequestLog {
    entries: VecDeque<Value>,
    next_seq: u64,
}

impl RequestLog {
    pub fn push(&mut self, mut entry: Value) {
        self.next_seq += 1;
        entry["seq"] = json!(self.next_seq);
        if self.entries.len() == LOG_CAPACITY {
            self.entries.pop_front();
        }
        self.entries.push_back(entry);
    }

    pub fn to_json(&self, path: Option<&str>) -> Value {
        Value::Array(
            self.entries
                .iter()
                .filter(|e| path.is_none_or(|p| e["path"] == p))
                .cloned()
                .collect(),
        )
    }
}

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
        }
    }
}

/// Everything the worker threads share. The lock is only ever held for
/// bookkeeping, never across a sleep or a socket read or write.
#[derive(Debug)]
pub struct Shared {
    pub config: SandboxConfig,
    pub clock: Clock,
    state: Mutex<State>,
}

impl Shared {
    pub fn new(config: SandboxConfig) -> Shared {
        let state = Mutex::new(State::new(&config));
        Shared {
            config,
            clock: Clock::new(),
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
    }
}
