//! The part of the configuration a test may change while the sandbox runs (`POST
//! /_sandbox/settings`): the products' switches and how the server treats connections.

use crate::config::SandboxConfig;
use serde_json::{json, Value};

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

/// Bounds of the time settings, in milliseconds.
pub const MAX_DELIVERY_DELAY_MS: u64 = 3_600_000;
pub const MAX_IDLE_TIMEOUT_MS: u64 = 3_600_000;
pub const MAX_LATENCY_MS: u64 = 60_000;

#[derive(Debug, Clone)]
pub struct Settings {
    pub onetalk_tier: Tier,
    pub sendtalk_balance: Option<u64>,
    pub sendtalk_price: u64,
    pub invalid_recipients: Vec<String>,
    pub delivery_delay_ms: u64,
    pub powertalk_max_body_chars: usize,
    /// `onetalk_since_reading` and `onetalk_page_edge`.
    pub onetalk_paging: Paging,
    /// Whether a connection may carry another request after an answer.
    pub keep_alive: bool,
    /// How long a kept-alive connection may sit idle before the server closes it.
    pub idle_timeout_ms: u64,
    /// Added before every API answer (and every fault's close), without holding a thread.
    pub latency_ms: u64,
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
            onetalk_paging: Paging::default(),
            keep_alive: config.keep_alive,
            idle_timeout_ms: (config.idle_timeout.as_millis() as u64).min(MAX_IDLE_TIMEOUT_MS),
            latency_ms: (config.latency.as_millis() as u64).min(MAX_LATENCY_MS),
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
            "keep_alive": self.keep_alive,
            "idle_timeout_ms": self.idle_timeout_ms,
            "latency_ms": self.latency_ms,
        })
    }

    /// Changes one setting from its JSON value; `Err` says what the value must be.
    pub fn set(&mut self, key: &str, value: &Value) -> Result<(), &'static str> {
        let ms = |max: u64, message| value.as_u64().filter(|ms| *ms <= max).ok_or(message);
        match key {
            "onetalk_tier" => {
                self.onetalk_tier = value
                    .as_str()
                    .and_then(Tier::parse)
                    .ok_or("onetalk_tier must be \"ok\", \"none\" or \"feature_missing\"")?
            }
            "sendtalk_balance" => {
                self.sendtalk_balance = match value {
                    Value::Null => None,
                    v => Some(
                        v.as_u64()
                            .ok_or("sendtalk_balance must be a whole number or null")?,
                    ),
                }
            }
            "sendtalk_price" => {
                self.sendtalk_price = value
                    .as_u64()
                    .ok_or("sendtalk_price must be a whole number")?
            }
            "invalid_recipients" => {
                self.invalid_recipients = value
                    .as_array()
                    .and_then(|a| a.iter().map(|p| p.as_str().map(str::to_string)).collect())
                    .ok_or("invalid_recipients must be an array of phones")?
            }
            "delivery_delay_ms" => {
                self.delivery_delay_ms = ms(
                    MAX_DELIVERY_DELAY_MS,
                    "delivery_delay_ms must be from 0 to 3600000",
                )?
            }
            "powertalk_max_body_chars" => {
                self.powertalk_max_body_chars = value
                    .as_u64()
                    .filter(|n| *n >= 1)
                    .ok_or("powertalk_max_body_chars must be at least 1")?
                    as usize
            }
            "onetalk_since_reading" | "onetalk_page_edge" => self.onetalk_paging.set(key, value)?,
            "keep_alive" => {
                self.keep_alive = value.as_bool().ok_or("keep_alive must be true or false")?
            }
            "idle_timeout_ms" => {
                self.idle_timeout_ms = ms(
                    MAX_IDLE_TIMEOUT_MS,
                    "idle_timeout_ms must be from 0 to 3600000",
                )?
            }
            "latency_ms" => {
                self.latency_ms = ms(MAX_LATENCY_MS, "latency_ms must be from 0 to 60000")?
            }
            _ => return Err("unknown setting"),
        }
        Ok(())
    }
}

/// How `get_updated_list` pages: the two things the vendor leaves open, chosen by the
/// `onetalk_since_reading` and `onetalk_page_edge` settings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Paging {
    /// `since_timestamp` means "updated at or after" instead of "strictly after".
    pub at_or_after: bool,
    /// A page stops at `limit` even inside a group sharing one `updatedTime`.
    pub split_groups: bool,
}

impl Paging {
    pub fn reading_name(self) -> &'static str {
        if self.at_or_after {
            "at_or_after"
        } else {
            "after"
        }
    }

    pub fn edge_name(self) -> &'static str {
        if self.split_groups {
            "split_groups"
        } else {
            "keep_groups"
        }
    }

    /// Applies one of the two settings; `Err` says what the value must be.
    pub fn set(&mut self, key: &str, value: &Value) -> Result<(), &'static str> {
        match (key, value.as_str()) {
            ("onetalk_since_reading", Some("after")) => self.at_or_after = false,
            ("onetalk_since_reading", Some("at_or_after")) => self.at_or_after = true,
            ("onetalk_since_reading", _) => {
                return Err("onetalk_since_reading must be \"after\" or \"at_or_after\"")
            }
            ("onetalk_page_edge", Some("keep_groups")) => self.split_groups = false,
            ("onetalk_page_edge", Some("split_groups")) => self.split_groups = true,
            _ => return Err("onetalk_page_edge must be \"keep_groups\" or \"split_groups\""),
        }
        Ok(())
    }
}
