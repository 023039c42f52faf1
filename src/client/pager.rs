//! Exactly-once paging over OneTalk's updated-case list, whatever the server means by
//! `since_timestamp` and wherever it ends a page.
//!
//! ```no_run
//! use taptalk::{CaseCursor, Client};
//! let client = Client::from_json(r#"{"onetalk": {"api_key": "YOUR_KEY"}}"#).unwrap();
//! let mut cursor = CaseCursor::from_json(r#"{"since_timestamp": 0, "page_size": 50}"#).unwrap();
//! loop {
//!     let page = cursor.next_page(&client);
//!     if !page.is_success() { break; }
//!     let data = page.data();
//!     for case in data["cases"].as_array().unwrap() { println!("{}", case["id"]); }
//!     // data["state"] is what to save: passed back to from_json it resumes here.
//!     if data["hasMore"] == false { break; }
//! }
//! ```
//!
//! The vendor does not say whether `since_timestamp` means "updated at or after" or
//! "strictly after", nor what a page does with more cases at one `updatedTime` than fit in
//! it. So the cursor assumes neither. Its position is a frontier `F` plus the cases already
//! delivered at or after `F`: every case updated before `F` has been delivered. It asks for
//! `since_timestamp = F - 1`, which returns everything at or after `F` under the strict
//! reading, and a bit more under the other (those extra cases are older than `F`, hence
//! dropped, and prove the reading, after which it asks for `F` itself). A page that ends
//! inside a group of cases sharing one time is harmless: the frontier moves only to the
//! page's last time, and the cases already delivered there are skipped when they come again
//! (each request asks for room for them on top of the page size, up to 100, the API's
//! limit). A page that says `hasMore` with more or fewer cases than asked was ended at a group
//! boundary, so its last group is complete and the frontier goes strictly past it. A page
//! that brings nothing new makes the next request ask for 100; when even 100 cannot get
//! past one `updatedTime`, the cursor stops with code 92001.
//!
//! A case updated again while paging comes back with its newer `updatedTime` and is
//! delivered again, as an update; the same `(id, updatedTime)` is never delivered twice.

use std::collections::{HashMap, VecDeque};

use serde_json::{json, Map, Value};

use super::blocking::Client;
use crate::envelope::{Envelope, LocalCode};
use crate::json::{self, Duplicates};
use crate::operation::Operation;
use crate::text::quoted;

/// The API's largest page.
pub const MAX_PAGE: u32 = 100;

/// What the server means by `since_timestamp`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Reading {
    /// Not known yet: ask in a way that is right under both readings.
    Auto,
    /// Strictly after (configured; never learnt, since no reply can prove it).
    After,
    /// At or after (configured, or learnt from a reply).
    AtOrAfter,
}

impl Reading {
    fn name(self) -> &'static str {
        match self {
            Reading::Auto => "auto",
            Reading::After => "after",
            Reading::AtOrAfter => "at_or_after",
        }
    }
}

/// A cursor over every case created or updated since a time; see the module docs.
///
/// Not for concurrent use (the C layer serialises calls on one cursor).
#[derive(Debug)]
pub struct CaseCursor {
    /// Every case updated before this time has been delivered ("strictly after S" is
    /// "at or after S + 1": times are whole milliseconds).
    frontier: i64,
    /// Delivered cases updated at or after `frontier`: id -> newest updatedTime delivered.
    seen: HashMap<String, i64>,
    page_size: u32,
    reading: Reading,
    /// Cases of the last page not handed out yet, oldest first.
    buffer: VecDeque<(String, i64, Value)>,
    /// Where the frontier goes once the buffer is empty.
    page_end: i64,
    /// The last page's `hasMore`.
    more: bool,
    /// The next request asks for a full page of 100: the last one brought nothing new.
    grow: bool,
}

/// The outcome of one reply.
enum Accepted {
    /// The reply was used; the buffer holds its new cases (maybe none).
    Page,
    /// Nothing new and no progress, but a larger page or the learnt reading may help.
    AskAgain,
}

impl CaseCursor {
    /// A cursor from options (or from a saved [`CaseCursor::state`]):
    ///
    /// - `since_timestamp` (required, Unix ms >= 0): without `seen`, cases updated strictly
    ///   after it; with a non-empty `seen`, cases updated at or after it except those seen.
    /// - `seen` (`{"case id": updatedTime}`): cases already delivered, from a saved state.
    /// - `page_size` (1..100, default 100): a hint; a larger page is asked for when needed.
    /// - `reading` (`"auto"`, default; `"after"`; `"at_or_after"`): what the server means
    ///   by `since_timestamp`. Only set it if you know: a wrong `"at_or_after"` loses cases.
    ///
    /// A refusal is an envelope with code 40002 naming the option in `field`.
    pub fn from_json(options_json: &str) -> Result<CaseCursor, Envelope> {
        match json::parse_object(options_json, Duplicates::LastWins) {
            Ok(Some(map)) => CaseCursor::from_options(&map),
            Ok(None) => Err(Envelope::local(
                LocalCode::InvalidJson,
                "The cursor options must be a JSON object",
                "",
            )),
            Err(e) => Err(Envelope::local(
                LocalCode::InvalidJson,
                format!("The cursor options are not valid JSON: {e}"),
                "",
            )),
        }
    }

    fn from_options(map: &Map<String, Value>) -> Result<CaseCursor, Envelope> {
        let invalid = |field: &str, message: &str| {
            Err(Envelope::local(LocalCode::InvalidParam, message, field))
        };
        const KEYS: [&str; 4] = ["since_timestamp", "seen", "page_size", "reading"];
        if let Some(key) = map.keys().find(|k| !KEYS.contains(&k.as_str())) {
            let message = format!(
                "Unknown cursor option {} (known: {})",
                quoted(key),
                KEYS.join(", ")
            );
            return invalid(key, &message);
        }
        let frontier = match map.get("since_timestamp").map(Value::as_i64) {
            None => return invalid("since_timestamp", "since_timestamp is required"),
            Some(Some(t)) if t >= 0 => t,
            Some(_) => {
                return invalid(
                    "since_timestamp",
                    "since_timestamp must be a whole number of Unix milliseconds, at least 0",
                )
            }
        };
        let mut seen = HashMap::new();
        match map.get("seen") {
            None | Some(Value::Null) => {}
            Some(Value::Object(entries)) => {
                for (id, time) in entries {
                    let Some(time) = time.as_i64() else {
                        return invalid(
                            "seen",
                            "seen maps each case id to its updatedTime (a whole number)",
                        );
                    };
                    seen.insert(id.clone(), time);
                }
            }
            Some(_) => return invalid("seen", "seen must be an object {\"case id\": updatedTime}"),
        }
        let page_size = match map.get("page_size").map(Value::as_u64) {
            None => MAX_PAGE,
            Some(Some(n)) if (1..=u64::from(MAX_PAGE)).contains(&n) => n as u32,
            Some(_) => return invalid("page_size", "page_size must be from 1 to 100"),
        };
        let reading = match map.get("reading").map(Value::as_str) {
            None | Some(Some("auto")) => Reading::Auto,
            Some(Some("after")) => Reading::After,
            Some(Some("at_or_after")) => Reading::AtOrAfter,
            Some(_) => {
                return invalid(
                    "reading",
                    "reading must be \"auto\", \"after\" or \"at_or_after\"",
                )
            }
        };
        let mut cursor = CaseCursor {
            frontier: if seen.is_empty() {
                frontier.saturating_add(1)
            } else {
                frontier
            },
            seen,
            page_size,
            reading,
            buffer: VecDeque::new(),
            page_end: frontier,
            more: true,
            grow: false,
        };
        cursor.prune();
        Ok(cursor)
    }

    /// Where the cursor stands, as options that resume it: `{"since_timestamp", "seen",
    /// "page_size", "reading"}`. Cases fetched but not handed out yet are not in it, so a
    /// resumed cursor fetches them again; nothing handed out is in it twice.
    pub fn state(&self) -> Value {
        let (since, seen) = if self.seen.is_empty() {
            // "At or after F, none seen" is "strictly after F - 1", the meaning from_json
            // gives an empty `seen`.
            ((self.frontier - 1).max(0), Map::new())
        } else {
            let seen = self.seen.iter().map(|(k, &t)| (k.clone(), json!(t)));
            (self.frontier, seen.collect())
        };
        json!({
            "since_timestamp": since,
            "seen": seen,
            "page_size": self.page_size,
            "reading": self.reading.name(),
        })
    }

    /// The `get_updated_cases` request to send next: `{"since_timestamp", "limit"}`.
    pub fn request(&self) -> Value {
        let since = match self.reading {
            Reading::AtOrAfter => self.frontier,
            // At or after F under either reading (the older extras are dropped).
            Reading::Auto | Reading::After => (self.frontier - 1).max(0),
        };
        // Cases already delivered at the frontier come back first; ask for room for them.
        let repeats = self.seen.values().filter(|&&t| t == self.frontier).count();
        let limit = if self.grow {
            MAX_PAGE
        } else {
            (self.page_size as usize + repeats).min(MAX_PAGE as usize) as u32
        };
        json!({"since_timestamp": since, "limit": limit})
    }

    /// How many fetched cases wait to be handed out.
    pub fn buffered(&self) -> usize {
        self.buffer.len()
    }

    /// False once the last page said `hasMore: false` and every case was handed out (a
    /// later call polls again).
    pub fn has_more(&self) -> bool {
        !self.buffer.is_empty() || self.more
    }

    /// Takes in the reply to [`CaseCursor::request`] (fetched by the caller): its new cases
    /// are buffered for [`CaseCursor::take`]. Answers `{"buffered", "hasMore"}`, or the
    /// reply itself when it is an error (the cursor is then unchanged).
    pub fn feed(&mut self, reply: &Envelope) -> Envelope {
        if !reply.is_success() {
            return reply.clone();
        }
        if !self.buffer.is_empty() {
            return Envelope::local(
                LocalCode::InvalidArgument,
                "The cursor still holds cases from the last page; take them before feeding another",
                "",
            );
        }
        let request = self.request();
        match self.accept(&request, &reply.data()) {
            Err(envelope) => envelope,
            Ok(Accepted::AskAgain) => Envelope::success(json!({"buffered": 0, "hasMore": true})),
            Ok(Accepted::Page) => Envelope::success(json!({
                "buffered": self.buffer.len(),
                "hasMore": self.has_more(),
            })),
        }
    }

    /// Hands out the next buffered case (the frontier moves with it), if any.
    pub fn take(&mut self) -> Option<Value> {
        let (id, time, case) = self.buffer.pop_front()?;
        let entry = self.seen.entry(id).or_insert(time);
        *entry = (*entry).max(time);
        if time > self.frontier {
            self.advance(time);
        }
        if self.buffer.is_empty() && self.page_end > self.frontier {
            self.advance(self.page_end);
        }
        Some(case)
    }

    /// The next case, fetching a page when none is buffered. Answers
    /// `{"case": {...} or null, "hasMore", "requests"}`: `null` once caught up.
    pub fn next_case(&mut self, client: &Client) -> Envelope {
        match self.fill(client) {
            Ok(requests) => self.case_reply(requests),
            Err(envelope) => envelope,
        }
    }

    /// Like [`CaseCursor::next_case`] from buffered (fed) cases only, without fetching.
    pub fn take_one(&mut self) -> Envelope {
        self.case_reply(0)
    }

    /// Every case of the next page (fetching as many requests as it takes to find one, or
    /// to learn there is none). Answers `{"cases": [...], "hasMore", "requests", "state"}`.
    pub fn next_page(&mut self, client: &Client) -> Envelope {
        match self.fill(client) {
            Ok(requests) => self.page_reply(requests),
            Err(envelope) => envelope,
        }
    }

    /// Like [`CaseCursor::next_page`] from buffered (fed) cases only, without fetching.
    pub fn drain(&mut self) -> Envelope {
        self.page_reply(0)
    }

    fn case_reply(&mut self, requests: u32) -> Envelope {
        let case = self.take().unwrap_or(Value::Null);
        Envelope::success(json!({"case": case, "hasMore": self.has_more(), "requests": requests}))
    }

    fn page_reply(&mut self, requests: u32) -> Envelope {
        let cases: Vec<Value> = std::iter::from_fn(|| self.take()).collect();
        Envelope::success(json!({
            "cases": cases,
            "hasMore": self.has_more(),
            "requests": requests,
            "state": self.state(),
        }))
    }

    /// Fetches until a case is buffered or the server has no more; answers the number of
    /// requests made. Each round either delivers, advances the frontier, widens the page
    /// or learns the reading, and each of those can only happen finitely often.
    fn fill(&mut self, client: &Client) -> Result<u32, Envelope> {
        let mut requests = 0;
        while self.buffer.is_empty() {
            let request = self.request();
            let reply = client.call_value(Operation::OnetalkGetUpdatedCases, request.clone());
            requests += 1;
            if !reply.is_success() {
                return Err(reply);
            }
            match self.accept(&request, &reply.data())? {
                Accepted::AskAgain => continue,
                Accepted::Page if !self.more => break,
                Accepted::Page => {}
            }
        }
        Ok(requests)
    }

    /// Judges one page fetched with `request`.
    fn accept(&mut self, request: &Value, data: &Value) -> Result<Accepted, Envelope> {
        let since = request["since_timestamp"].as_i64().unwrap_or_default();
        let limit = request["limit"].as_u64().unwrap_or_default();
        let mut cases = parse_cases(data)?;
        let more = data["hasMore"].as_bool().unwrap_or(false);
        // Stable: the server's order is kept within one updatedTime.
        cases.sort_by_key(|(_, time, _)| *time);

        let learnt =
            self.reading == Reading::Auto && cases.iter().any(|(_, time, _)| *time <= since);
        if learnt {
            // A strict server never answers a case at since_timestamp itself.
            self.reading = Reading::AtOrAfter;
        }
        let mut fresh: VecDeque<(String, i64, Value)> = VecDeque::new();
        let mut in_page: HashMap<&str, i64> = HashMap::new();
        for (id, time, _) in &cases {
            if *time < self.frontier {
                continue;
            }
            if self.seen.get(id).is_some_and(|&t| t >= *time) {
                continue;
            }
            in_page
                .entry(id)
                .and_modify(|t| *t = (*t).max(*time))
                .or_insert(*time);
        }
        for (id, time, case) in &cases {
            // One delivery per case and page: its newest state (a duplicate is dropped).
            if in_page.get(id.as_str()) == Some(time) {
                in_page.remove(id.as_str());
                fresh.push_back((id.clone(), *time, case.clone()));
            }
        }
        let last = cases.iter().map(|(_, t, _)| *t).max();
        // A page that says hasMore yet holds more or fewer cases than asked for was ended at a
        // group boundary by the server (one with more cases at its last time would have filled
        // the page, and only one that keeps groups whole sends more than asked): that group is
        // complete, so the frontier can go strictly past it.
        let complete = more && cases.len() as u64 != limit;
        let end = match last {
            None => self.frontier,
            Some(t) if complete => t.saturating_add(1).max(self.frontier),
            Some(t) => t.max(self.frontier),
        };
        let advances = end > self.frontier;
        if more && fresh.is_empty() && !advances {
            if limit < u64::from(MAX_PAGE) || learnt {
                // Once the reading is learnt the next request differs anyway.
                self.grow = !learnt;
                return Ok(Accepted::AskAgain);
            }
            return Err(self.stuck(cases.len()));
        }
        // Room for the cases seen again at the frontier is made by `request` itself.
        self.grow = false;
        self.more = more;
        self.page_end = end;
        self.buffer = fresh;
        if self.buffer.is_empty() && advances {
            self.advance(end);
        }
        Ok(Accepted::Page)
    }

    fn stuck(&self, returned: usize) -> Envelope {
        let message = if returned == 0 {
            format!(
                "Paging cannot progress: the server says hasMore but its page at since_timestamp {} holds no case",
                self.frontier
            )
        } else {
            format!(
                "Paging cannot progress: at least {MAX_PAGE} cases share updatedTime {} and a page holds at most {MAX_PAGE}, so no request can reach the cases after them. Nothing was skipped or repeated; the cursor still stands at {}",
                self.frontier, self.frontier
            )
        };
        let data = json!({"state": self.state(), "updatedTime": self.frontier});
        Envelope::with_data(
            LocalCode::PagingStuck.status(),
            LocalCode::PagingStuck,
            message,
            "",
            data,
        )
    }

    fn advance(&mut self, to: i64) {
        self.frontier = to;
        self.prune();
    }

    /// Drops what the frontier already covers.
    fn prune(&mut self) {
        let frontier = self.frontier;
        self.seen.retain(|_, t| *t >= frontier);
    }
}

/// The page's cases as (id, updatedTime, case). A case without an id or an integer
/// updatedTime cannot be placed, so the page is refused rather than guessed at.
fn parse_cases(data: &Value) -> Result<Vec<(String, i64, Value)>, Envelope> {
    let bad = |why: &str| {
        Envelope::local(
            LocalCode::InvalidReply,
            format!("The updated-case page cannot be paged exactly once: {why}"),
            "",
        )
    };
    let list = match data.get("cases") {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(list)) => list,
        Some(_) => return Err(bad("data.cases is not an array")),
    };
    list.iter()
        .map(|case| {
            let id = match case.get("id") {
                Some(Value::String(s)) => s.clone(),
                Some(n @ Value::Number(_)) => n.to_string(),
                _ => return Err(bad("a case has no id")),
            };
            let time = case
                .get("updatedTime")
                .and_then(Value::as_i64)
                .ok_or_else(|| bad("a case has no integer updatedTime"))?;
            Ok((id, time, case.clone()))
        })
        .collect()
}
