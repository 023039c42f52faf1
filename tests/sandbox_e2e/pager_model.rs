//! The case cursor's exactly-once promise, driven through `request`/`feed` against a model
//! server for every combination the vendor leaves open: either reading of `since_timestamp`,
//! pages that keep or split groups sharing one `updatedTime`, every page size, cases updated
//! while paging, a resume from the saved state at every position, and the >100 group error.

use std::collections::{HashMap, HashSet};

use serde_json::{json, Value};
use taptalk::{CaseCursor, Envelope};

#[derive(Clone, Copy, Debug)]
struct Server {
    at_or_after: bool,
    split_groups: bool,
}

const SERVERS: [Server; 4] = [
    Server {
        at_or_after: false,
        split_groups: false,
    },
    Server {
        at_or_after: false,
        split_groups: true,
    },
    Server {
        at_or_after: true,
        split_groups: false,
    },
    Server {
        at_or_after: true,
        split_groups: true,
    },
];

/// The server's cases: id -> updatedTime (a case's time only grows).
struct Model {
    server: Server,
    cases: Vec<(String, i64)>,
    requests: Vec<(i64, u64)>,
}

impl Model {
    fn new(server: Server, groups: &[(i64, usize)]) -> Model {
        let mut cases = Vec::new();
        for &(time, size) in groups {
            for _ in 0..size {
                cases.push((format!("C{:04}", cases.len()), time));
            }
        }
        Model {
            server,
            cases,
            requests: Vec::new(),
        }
    }

    fn update(&mut self, id: &str, time: i64) {
        let case = self.cases.iter_mut().find(|(c, _)| c == id).unwrap();
        assert!(time > case.1);
        case.1 = time;
    }

    /// get_updated_list, as the chosen server would answer it.
    fn answer(&mut self, request: &Value) -> Envelope {
        let since = request["since_timestamp"].as_i64().unwrap();
        let limit = request["limit"].as_u64().unwrap();
        assert!((1..=100).contains(&limit), "{request}");
        self.requests.push((since, limit));
        let mut list: Vec<(usize, &(String, i64))> = self
            .cases
            .iter()
            .enumerate()
            .filter(|(_, (_, t))| *t > since || self.server.at_or_after && *t == since)
            .collect();
        list.sort_by_key(|(n, (_, t))| (*t, *n));
        let limit = limit as usize;
        let (page, more) = if list.len() <= limit {
            (list.len(), false)
        } else if self.server.split_groups {
            (limit, true)
        } else {
            let cut = list[limit].1 .1;
            let mut end = limit;
            while end > 0 && list[end - 1].1 .1 == cut {
                end -= 1;
            }
            if end == 0 {
                end = list.iter().take_while(|(_, (_, t))| *t == cut).count();
            }
            (end, end < list.len())
        };
        let cases: Vec<Value> = list[..page]
            .iter()
            .map(|(_, (id, t))| json!({"id": id, "updatedTime": t, "isJunk": false}))
            .collect();
        let last = list[..page].last().map_or(since, |(_, (_, t))| *t);
        let body = json!({"status": 200, "error": {"code": "", "message": "", "field": ""},
            "data": {"cases": cases, "hasMore": more, "lastTimestamp": last}});
        Envelope::from_server_body(&body.to_string()).unwrap()
    }
}

/// Hands out the next case, fetching through the model; `Err` is the cursor's error.
fn next(cursor: &mut CaseCursor, model: &mut Model) -> Result<Option<(String, i64)>, Envelope> {
    for _ in 0..1000 {
        if cursor.buffered() > 0 {
            let case = cursor.take().unwrap();
            let pair = (
                case["id"].as_str().unwrap().to_owned(),
                case["updatedTime"].as_i64().unwrap(),
            );
            return Ok(Some(pair));
        }
        if !cursor.has_more() {
            return Ok(None);
        }
        let reply = model.answer(&cursor.request());
        let fed = cursor.feed(&reply);
        if !fed.is_success() {
            return Err(fed);
        }
    }
    panic!("the cursor looped");
}

fn drain(cursor: &mut CaseCursor, model: &mut Model) -> Vec<(String, i64)> {
    let mut out = Vec::new();
    while let Some(pair) = next(cursor, model).unwrap_or_else(|e| panic!("{e}")) {
        out.push(pair);
    }
    out
}

fn cursor(options: Value) -> CaseCursor {
    CaseCursor::from_json(&options.to_string()).unwrap_or_else(|e| panic!("{e}"))
}

/// Groups sharing one time, several of them larger than small pages.
const GROUPS: [(i64, usize); 10] = [
    (1000, 1),
    (1001, 5),
    (1002, 2),
    (1005, 13),
    (1006, 1),
    (1007, 4),
    (1010, 3),
    (1011, 30),
    (1012, 2),
    (1013, 1),
];

fn expected(model: &Model) -> Vec<(String, i64)> {
    let mut all = model.cases.clone();
    all.sort_by_key(|(id, t)| (*t, id.clone()));
    all
}

#[test]
fn every_case_once_under_every_reading_page_edge_and_page_size() {
    for server in SERVERS {
        for page_size in [1, 2, 3, 4, 5, 7, 10, 29, 31, 100] {
            let mut model = Model::new(server, &GROUPS);
            let mut c = cursor(json!({"since_timestamp": 0, "page_size": page_size}));
            let got = drain(&mut c, &mut model);
            assert_eq!(got, expected(&model), "{server:?} page_size {page_size}");
            assert_eq!(c.state()["since_timestamp"], 1013, "{server:?}");
            assert_eq!(c.state()["seen"], json!({"C0061": 1013}));
            // The page size is a hint the cursor stays near, not a promise it breaks.
            assert!(model.requests.iter().all(|&(_, limit)| limit <= 100));
            // A poll from the finished state finds nothing and repeats nothing.
            let mut again = cursor(c.state());
            assert_eq!(drain(&mut again, &mut model), vec![], "{server:?}");
        }
    }
}

#[test]
fn since_timestamp_alone_means_strictly_after_under_either_reading() {
    for server in SERVERS {
        let mut model = Model::new(server, &GROUPS);
        let mut c = cursor(json!({"since_timestamp": 1005, "page_size": 3}));
        let got = drain(&mut c, &mut model);
        let want: Vec<_> = expected(&model)
            .into_iter()
            .filter(|(_, t)| *t > 1005)
            .collect();
        assert_eq!(got, want, "{server:?}");
    }
}

#[test]
fn a_resume_from_the_saved_state_at_every_position_never_skips_or_repeats() {
    for server in SERVERS {
        let model_all = Model::new(server, &GROUPS);
        let all = expected(&model_all);
        for stop_after in 0..=all.len() {
            let mut model = Model::new(server, &GROUPS);
            let mut first = cursor(json!({"since_timestamp": 0, "page_size": 4}));
            let mut got = Vec::new();
            for _ in 0..stop_after {
                got.push(next(&mut first, &mut model).unwrap().unwrap());
            }
            // Through JSON text, as a saved state would travel.
            let saved = first.state().to_string();
            let mut resumed = CaseCursor::from_json(&saved).unwrap();
            got.extend(drain(&mut resumed, &mut model));
            assert_eq!(got, all, "{server:?} stopped after {stop_after}");
        }
    }
}

#[test]
fn cases_updated_while_paging_come_again_as_updates_never_twice_at_one_time() {
    for server in SERVERS {
        for page_size in [1, 3, 8] {
            let mut model = Model::new(server, &GROUPS);
            let mut c = cursor(json!({"since_timestamp": 0, "page_size": page_size}));
            let mut got: Vec<(String, i64)> = Vec::new();
            let mut now = 2000;
            let mut step = 0;
            while let Some(pair) = next(&mut c, &mut model).unwrap() {
                got.push(pair.clone());
                step += 1;
                // Every 7th case: update a case already delivered and one still ahead,
                // and one more inside the current group (its time bumps past the frontier).
                if step % 7 == 0 && now < 2030 {
                    now += 1;
                    model.update(&pair.0, now);
                    let ahead = format!("C{:04}", (step * 3) % 62);
                    let current = model.cases.iter().find(|(id, _)| *id == ahead).unwrap().1;
                    if current < now {
                        model.update(&ahead, now);
                    }
                }
            }
            // Updates made after the last page was fetched come with the next poll.
            got.extend(drain(&mut cursor(c.state()), &mut model));
            let mut pairs = HashSet::new();
            let mut last_time: HashMap<&str, i64> = HashMap::new();
            for (id, t) in &got {
                assert!(pairs.insert((id, t)), "{server:?} {id}@{t} delivered twice");
                let before = last_time.insert(id, *t);
                assert!(
                    before.is_none_or(|b| b < *t),
                    "{server:?} {id} went back in time"
                );
            }
            for (id, t) in &model.cases {
                assert!(
                    pairs.contains(&(id, t)),
                    "{server:?} page_size {page_size}: the latest {id}@{t} was lost"
                );
            }
        }
    }
}

#[test]
fn a_group_larger_than_the_page_asks_for_a_larger_page_not_an_error() {
    for server in SERVERS {
        let mut model = Model::new(server, &[(5, 3), (7, 80), (9, 2)]);
        let mut c = cursor(json!({"since_timestamp": 0, "page_size": 10}));
        assert_eq!(drain(&mut c, &mut model).len(), 85, "{server:?}");
        // A server that splits groups is asked for larger pages; one that keeps them whole
        // sends the group of 80 at once, past a page of 10.
        let larger = model.requests.iter().any(|&(_, limit)| limit > 10);
        assert_eq!(
            larger, server.split_groups,
            "{server:?}: {:?}",
            model.requests
        );
    }
}

#[test]
fn more_than_100_at_one_time_stops_with_92001_without_looping_skipping_or_repeating() {
    for server in SERVERS.into_iter().filter(|s| s.split_groups) {
        let mut model = Model::new(server, &[(5, 2), (7, 150), (9, 2)]);
        let mut c = cursor(json!({"since_timestamp": 0, "page_size": 10}));
        let mut got = Vec::new();
        let error = loop {
            match next(&mut c, &mut model) {
                Ok(Some(pair)) => got.push(pair),
                Ok(None) => panic!("{server:?}: finished past a group of 150"),
                Err(e) => break e,
            }
        };
        assert_eq!((error.status(), error.code()), (502, "92001"), "{error}");
        assert!(error.message().contains("updatedTime 7"), "{error}");
        assert_eq!(error.data()["state"], c.state());
        let unique: HashSet<_> = got.iter().collect();
        assert_eq!(unique.len(), got.len(), "{server:?}: repeated");
        // Everything before the group, then as much of the group as a page could reach.
        assert_eq!(got.len(), 102, "{server:?}");
        assert!(got[..2].iter().all(|(_, t)| *t == 5));
        // Asking again answers the same error after a bounded number of requests.
        let before = model.requests.len();
        let again = next(&mut c, &mut model).unwrap_err();
        assert_eq!(again.code(), "92001");
        assert!(model.requests.len() - before <= 3, "{:?}", model.requests);
    }
    // A server that keeps groups whole returns the 150 at once: no error.
    let server = SERVERS[0];
    let mut model = Model::new(server, &[(5, 2), (7, 150), (9, 2)]);
    let mut c = cursor(json!({"since_timestamp": 0, "page_size": 10}));
    assert_eq!(drain(&mut c, &mut model).len(), 154);
}

#[test]
fn the_reading_is_learnt_from_a_reply_and_then_asked_for_directly() {
    let server = Server {
        at_or_after: true,
        split_groups: true,
    };
    let mut model = Model::new(server, &[(4, 2), (5, 3), (6, 2), (7, 2)]);
    let mut c = cursor(json!({"since_timestamp": 4, "page_size": 3}));
    let got = drain(&mut c, &mut model);
    assert_eq!(got.len(), 7, "strictly after 4");
    assert_eq!(c.state()["reading"], "at_or_after");
    // Cases at since_timestamp itself prove the reading; later requests then ask at the
    // frontier, with room for the cases already delivered there.
    assert_eq!(model.requests, vec![(4, 3), (5, 4), (6, 4)]);
}

#[test]
fn bad_options_and_bad_pages_are_refused_with_envelopes() {
    for (options, field) in [
        (json!({}), "since_timestamp"),
        (json!({"since_timestamp": -1}), "since_timestamp"),
        (json!({"since_timestamp": "0"}), "since_timestamp"),
        (json!({"since_timestamp": 0, "page_size": 0}), "page_size"),
        (json!({"since_timestamp": 0, "page_size": 101}), "page_size"),
        (json!({"since_timestamp": 0, "seen": []}), "seen"),
        (json!({"since_timestamp": 0, "seen": {"a": "x"}}), "seen"),
        (
            json!({"since_timestamp": 0, "reading": "before"}),
            "reading",
        ),
        (json!({"since_timestamp": 0, "limit": 5}), "limit"),
    ] {
        let refused = CaseCursor::from_json(&options.to_string()).unwrap_err();
        assert_eq!(
            (refused.code(), refused.field()),
            ("40002", field),
            "{options}"
        );
    }
    assert_eq!(CaseCursor::from_json("[1]").unwrap_err().code(), "90002");
    assert_eq!(CaseCursor::from_json("{").unwrap_err().code(), "90002");

    let mut c = cursor(json!({"since_timestamp": 0}));
    let page = |data: Value| {
        let body =
            json!({"status": 200, "error": {"code": "", "message": "", "field": ""}, "data": data});
        Envelope::from_server_body(&body.to_string()).unwrap()
    };
    for data in [
        json!({"cases": {"id": "a"}}),
        json!({"cases": [{"updatedTime": 5}]}),
        json!({"cases": [{"id": "a", "updatedTime": "5"}]}),
    ] {
        assert_eq!(c.feed(&page(data.clone())).code(), "91006", "{data}");
    }
    // A server error is answered back unchanged and changes nothing.
    let tier = Envelope::from_server_body(
        r#"{"status":499,"error":{"code":"49900","message":"Please select a tier","field":""},"data":{}}"#,
    )
    .unwrap();
    assert_eq!(c.feed(&tier), tier);
    assert_eq!(
        c.state(),
        json!({"since_timestamp": 0, "seen": {}, "page_size": 100, "reading": "auto"})
    );
}

/// A small deterministic generator, so a failure names its seed.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

#[test]
fn random_servers_pages_updates_and_restarts_keep_every_case_exactly_once() {
    // TAPTALK_PAGER_SEEDS=5000 for a longer run.
    let seeds: u64 = std::env::var("TAPTALK_PAGER_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(300);
    for seed in 0..seeds {
        let mut rng = Lcg(seed);
        let server = SERVERS[rng.below(4) as usize];
        let mut groups = Vec::new();
        let mut time = 100;
        for _ in 0..(1 + rng.below(12)) {
            time += 1 + rng.below(3) as i64;
            let largest = if rng.below(4) == 0 { 60 } else { 6 };
            groups.push((time, 1 + rng.below(largest) as usize));
        }
        let mut model = Model::new(server, &groups);
        let count = model.cases.len() as u64;
        let page_size = 1 + rng.below(12);
        let mut c = cursor(json!({"since_timestamp": 0, "page_size": page_size}));
        let mut now = 1000;
        let mut got: Vec<(String, i64)> = Vec::new();
        let mut steps = 0;
        loop {
            steps += 1;
            assert!(steps < 10_000, "seed {seed}: no end");
            match next(&mut c, &mut model).unwrap_or_else(|e| panic!("seed {seed}: {e}")) {
                Some(pair) => got.push(pair),
                None => break,
            }
            match rng.below(10) {
                // A restart from the saved state.
                0 => c = cursor(serde_json::from_str(&c.state().to_string()).unwrap()),
                // An update to any case (delivered, current or ahead), at most 40 of them.
                1 | 2 if now < 1040 => {
                    now += rng.below(2) as i64;
                    let id = format!("C{:04}", rng.below(count));
                    let current = model.cases.iter().find(|(c, _)| *c == id).unwrap().1;
                    if current < now {
                        model.update(&id, now);
                    }
                    now += 1;
                }
                _ => {}
            }
        }
        got.extend(drain(&mut cursor(c.state()), &mut model));
        let mut pairs = HashSet::new();
        let mut last: HashMap<&str, i64> = HashMap::new();
        for (id, t) in &got {
            assert!(
                pairs.insert((id, t)),
                "seed {seed} {server:?}: {id}@{t} twice"
            );
            let before = last.insert(id, *t);
            assert!(
                before.is_none_or(|b| b < *t),
                "seed {seed}: {id} back in time"
            );
        }
        for (id, t) in &model.cases {
            assert!(
                pairs.contains(&(id, t)),
                "seed {seed} {server:?}: {id}@{t} lost"
            );
        }
    }
}

#[test]
fn hostile_pages_never_panic_loop_or_deliver_one_case_twice_at_one_time() {
    let odd_times = [i64::MIN, -1, 0, 1, 5, 6, 7, i64::MAX - 1, i64::MAX];
    for seed in 0..500u64 {
        let mut rng = Lcg(seed);
        let mut c = cursor(json!({"since_timestamp": rng.below(8), "page_size": 1 + rng.below(5)}));
        let mut delivered = HashSet::new();
        for _ in 0..20 {
            let cases: Vec<Value> = (0..rng.below(6))
                .map(|_| {
                    let id = match rng.below(5) {
                        0 => json!(rng.below(3)),
                        1 => json!(null),
                        _ => json!(format!("c{}", rng.below(4))),
                    };
                    let time = match rng.below(6) {
                        0 => json!("7"),
                        1 => json!(1.5),
                        _ => json!(odd_times[rng.below(odd_times.len() as u64) as usize]),
                    };
                    json!({"id": id, "updatedTime": time})
                })
                .collect();
            let data = match rng.below(8) {
                0 => json!({"cases": "x", "hasMore": true}),
                1 => json!({"hasMore": true}),
                _ => json!({"cases": cases, "hasMore": rng.below(2) == 0, "lastTimestamp": "?"}),
            };
            let body = json!({"status": 200, "error": {"code": "", "message": "", "field": ""}, "data": data});
            let fed = c.feed(&Envelope::from_server_body(&body.to_string()).unwrap());
            assert!(
                fed.is_success() || ["91006", "92001"].contains(&fed.code()),
                "seed {seed}: {fed}"
            );
            while let Some(case) = c.take() {
                let pair = (
                    case["id"].to_string(),
                    case["updatedTime"].as_i64().unwrap(),
                );
                assert!(
                    delivered.insert(pair.clone()),
                    "seed {seed}: {pair:?} twice"
                );
            }
            // The state always reads back.
            CaseCursor::from_json(&c.state().to_string()).unwrap();
        }
    }
}
