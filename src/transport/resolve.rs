//! Host names: resolved once and reused for `dns_cache_ms` (60 s by default, as libcurl),
//! shared by the client's calls and threads, looked up on the client's own long-lived
//! resolver threads.
//!
//! ureq resolves the host before it looks for a pooled connection, and its default resolver
//! runs `getaddrinfo` on a freshly spawned thread (so that the lookup can time out) on every
//! call, even one that then reuses a pooled connection. Here:
//! - an IP literal needs no lookup at all;
//! - a name is looked up when its cached answer is missing or older than `dns_cache_ms`
//!   (0: every time), and calls that need the same name at once wait for one lookup;
//! - a lookup runs on one of at most [`MAX_LOOKUP_THREADS`] threads owned by the client
//!   (started when needed, ended after [`IDLE_THREAD`] without work, or when the client is
//!   dropped): a call waits for it no longer than its timeout allows;
//! - when no cached address accepts a connection, the socket connector asks for a fresh
//!   answer ([`Hosts::resolve`] with `fresh`) before giving up (`socket.rs`);
//! - a failed lookup is not cached, and is named: it means the request was not sent.
//!
//! In a forked child the client makes a new transport, hence a new cache and new threads
//! (the parent's threads do not exist there; see `crate::fork`).

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::io;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread;
use std::time::{Duration, Instant};

use ureq::config::Config as UreqConfig;
use ureq::http::Uri;
use ureq::unversioned::resolver::{ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::NextTimeout;
use ureq::Error;

use crate::{cancel, fork};

/// Resolver threads a client may have at once (lookups beyond wait in line).
pub(crate) const MAX_LOOKUP_THREADS: usize = 4;
/// A resolver thread with nothing to do for this long ends.
pub(crate) const IDLE_THREAD: Duration = Duration::from_secs(30);

/// Lookups made by every client of this process (`getaddrinfo` calls), for tests.
static LOOKUPS: AtomicU64 = AtomicU64::new(0);

/// How many host-name lookups the library has made in this process so far.
#[doc(hidden)]
pub fn lookup_count() -> u64 {
    LOOKUPS.load(Ordering::SeqCst)
}

/// Why a name could not be resolved, carried inside the `io::Error` ureq hands back, so the
/// failure mapping (`failure.rs`) can name it.
#[derive(Debug)]
pub(crate) struct ResolveFailure {
    pub host: String,
    pub cause: String,
}

impl fmt::Display for ResolveFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} could not be resolved ({})", self.host, self.cause)
    }
}

impl std::error::Error for ResolveFailure {}

type Key = (String, u16);
type Answer = Result<Arc<[SocketAddr]>, String>;

enum Entry {
    Ready {
        addrs: Arc<[SocketAddr]>,
        at: Instant,
    },
    Looking(Arc<Lookup>),
}

/// One lookup in flight, which every call needing that name waits for.
#[derive(Default)]
struct Lookup {
    answer: Mutex<Option<Answer>>,
    done: Condvar,
}

/// The client's resolver: the cache and the lookup threads.
pub(crate) struct Hosts {
    /// The fork generation it was made in: its threads exist only there.
    made_in: u64,
    ttl: Duration,
    entries: Mutex<HashMap<Key, Entry>>,
    threads: Arc<Threads>,
}

impl fmt::Debug for Hosts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Hosts")
            .field("ttl", &self.ttl)
            .finish_non_exhaustive()
    }
}

impl Hosts {
    pub(crate) fn new(ttl: Duration) -> Arc<Hosts> {
        Arc::new(Hosts {
            made_in: fork::generation(),
            ttl,
            entries: Mutex::new(HashMap::new()),
            threads: Arc::new(Threads::default()),
        })
    }

    /// The addresses of `host:port`: the literal itself, the cached answer while it is
    /// younger than the cache time (unless `fresh`), or a lookup's. Waits at most `within`.
    pub(crate) fn resolve(
        self: &Arc<Self>,
        host: &str,
        port: u16,
        within: Option<Duration>,
        fresh: bool,
    ) -> Result<Arc<[SocketAddr]>, Error> {
        if let Some(ip) = literal(host) {
            return Ok(Arc::from([SocketAddr::new(ip, port)]));
        }
        let key = (host.to_ascii_lowercase(), port);
        let (lookup, mine) = {
            let mut entries = lock(&self.entries);
            match entries.get(&key) {
                Some(Entry::Ready { addrs, at }) if !fresh && at.elapsed() < self.ttl => {
                    return Ok(addrs.clone());
                }
                Some(Entry::Looking(lookup)) => (lookup.clone(), false),
                _ => {
                    let lookup = Arc::new(Lookup::default());
                    entries.insert(key.clone(), Entry::Looking(lookup.clone()));
                    (lookup, true)
                }
            }
        };
        if mine {
            self.start(key.clone(), lookup.clone());
        }
        let answer = match wait(&lookup, within) {
            Wait::Answer(answer) => answer,
            Wait::TimedOut => return Err(Error::Timeout(ureq::Timeout::Resolve)),
            Wait::Cancelled => return Err(Error::Io(cancel::error())),
        };
        answer.map_err(|cause| {
            Error::Io(io::Error::new(
                io::ErrorKind::NotFound,
                ResolveFailure { host: key.0, cause },
            ))
        })
    }

    /// Hands the lookup to a resolver thread; its answer updates the cache when it comes,
    /// even if every caller has stopped waiting.
    fn start(self: &Arc<Self>, key: Key, lookup: Arc<Lookup>) {
        let hosts = Arc::downgrade(self);
        let (job_key, job_lookup) = (key.clone(), lookup.clone());
        let job = move || {
            let (key, lookup) = (job_key, job_lookup);
            LOOKUPS.fetch_add(1, Ordering::SeqCst);
            let answer = look_up(&key.0, key.1);
            if let Some(hosts) = hosts.upgrade() {
                let mut entries = lock(&hosts.entries);
                let ours =
                    matches!(entries.get(&key), Some(Entry::Looking(l)) if Arc::ptr_eq(l, &lookup));
                if ours {
                    match &answer {
                        Ok(addrs) => {
                            let at = Instant::now();
                            entries.insert(
                                key,
                                Entry::Ready {
                                    addrs: addrs.clone(),
                                    at,
                                },
                            );
                        }
                        Err(_) => {
                            entries.remove(&key);
                        }
                    }
                }
            }
            *lock(&lookup.answer) = Some(answer);
            lookup.done.notify_all();
        };
        if let Err(cause) = self.threads.run(Box::new(job)) {
            // No thread could be started: the callers waiting hear why.
            lock(&self.entries).remove(&key);
            *lock(&lookup.answer) = Some(Err(cause));
            lookup.done.notify_all();
        }
    }
}

impl Drop for Hosts {
    fn drop(&mut self) {
        // In a forked child (a client made by the parent, freed in the child) the threads
        // do not exist, and their lock may have been held by one at the fork: leave it.
        if fork::generation() == self.made_in {
            self.threads.stop();
        }
    }
}

enum Wait {
    Answer(Answer),
    TimedOut,
    Cancelled,
}

/// Waits for the lookup's answer, at most `within` (`None`: as long as it takes), in slices
/// when the call can be cancelled.
fn wait(lookup: &Lookup, within: Option<Duration>) -> Wait {
    let deadline = within.map(|w| Instant::now() + w);
    let sliced = cancel::active();
    let mut answer = lock(&lookup.answer);
    loop {
        if let Some(answer) = answer.as_ref() {
            return Wait::Answer(answer.clone());
        }
        if sliced && cancel::requested() {
            return Wait::Cancelled;
        }
        let left = match deadline {
            None => None,
            Some(deadline) => match deadline.checked_duration_since(Instant::now()) {
                Some(left) if !left.is_zero() => Some(left),
                _ => return Wait::TimedOut,
            },
        };
        let slice = match (left, sliced) {
            (Some(left), true) => Some(left.min(cancel::SLICE)),
            (None, true) => Some(cancel::SLICE),
            (left, false) => left,
        };
        answer = match slice {
            None => lookup.done.wait(answer).unwrap_or_else(|e| e.into_inner()),
            Some(slice) => {
                lookup
                    .done
                    .wait_timeout(answer, slice)
                    .unwrap_or_else(|e| e.into_inner())
                    .0
            }
        };
    }
}

/// `getaddrinfo`, through std: the addresses in the system's order, or why there are none.
fn look_up(host: &str, port: u16) -> Answer {
    match (host, port).to_socket_addrs() {
        Ok(addrs) => {
            let addrs: Vec<SocketAddr> = addrs.collect();
            if addrs.is_empty() {
                Err("no address for the name".to_owned())
            } else {
                Ok(Arc::from(addrs))
            }
        }
        // std's message carries the resolver's own words ("Name or service not known",
        // "Temporary failure in name resolution"); never anything of the request.
        Err(e) => Err(e.to_string()),
    }
}

fn literal(host: &str) -> Option<IpAddr> {
    host.trim_start_matches('[')
        .trim_end_matches(']')
        .parse()
        .ok()
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

type Job = Box<dyn FnOnce() + Send>;

/// The lookup threads: started when a lookup finds none idle (up to the limit), ended
/// after [`IDLE_THREAD`] without work.
#[derive(Default)]
struct Threads {
    state: Mutex<ThreadState>,
    work: Condvar,
}

#[derive(Default)]
struct ThreadState {
    queue: VecDeque<Job>,
    running: usize,
    idle: usize,
    stopping: bool,
}

impl Threads {
    fn run(self: &Arc<Self>, job: Job) -> Result<(), String> {
        let mut state = lock(&self.state);
        state.queue.push_back(job);
        if state.idle > 0 || state.running >= MAX_LOOKUP_THREADS {
            self.work.notify_one();
            return Ok(());
        }
        state.running += 1;
        let threads = self.clone();
        let started = thread::Builder::new()
            .name("taptalk-resolver".to_owned())
            .spawn(move || threads.serve());
        if let Err(e) = started {
            state.running -= 1;
            if state.running == 0 {
                state.queue.pop_back();
                return Err(format!("no resolver thread could be started: {e}"));
            }
        }
        Ok(())
    }

    fn serve(&self) {
        let mut state = lock(&self.state);
        loop {
            if let Some(job) = state.queue.pop_front() {
                drop(state);
                job();
                state = lock(&self.state);
                continue;
            }
            if state.stopping {
                break;
            }
            state.idle += 1;
            let (next, waited) = self
                .work
                .wait_timeout(state, IDLE_THREAD)
                .unwrap_or_else(|e| e.into_inner());
            state = next;
            state.idle -= 1;
            if waited.timed_out() && state.queue.is_empty() {
                break;
            }
        }
        state.running -= 1;
    }

    fn stop(&self) {
        lock(&self.state).stopping = true;
        self.work.notify_all();
    }
}

/// The agent's resolver: [`Hosts`] behind ureq's `Resolver` trait.
#[derive(Debug)]
pub(crate) struct CachingResolver(pub Arc<Hosts>);

impl Resolver for CachingResolver {
    fn resolve(
        &self,
        uri: &Uri,
        _config: &UreqConfig,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, Error> {
        let host = uri.host().ok_or(Error::HostNotFound)?;
        let port = uri
            .port_u16()
            .or(match uri.scheme_str() {
                Some("https") => Some(443),
                Some("http") => Some(80),
                _ => None,
            })
            .ok_or(Error::HostNotFound)?;
        let addrs = self
            .0
            .resolve(host, port, timeout.not_zero().map(|t| *t), false)?;
        let mut out = self.empty();
        // ureq keeps at most 16; the system's order puts the preferred ones first.
        for addr in addrs.iter().take(16) {
            out.push(*addr);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ip_literals_resolve_to_themselves_without_a_lookup() {
        let hosts = Hosts::new(Duration::from_secs(60));
        let before = lookup_count();
        let addr =
            |host: &str, port| hosts.resolve(host, port, None, false).unwrap()[0].to_string();
        assert_eq!(addr("127.0.0.1", 8080), "127.0.0.1:8080");
        assert_eq!(addr("[::1]", 9), "[::1]:9");
        assert_eq!(addr("10.1.2.3", 443), "10.1.2.3:443");
        assert_eq!(lookup_count(), before);
    }

    #[test]
    fn a_name_is_looked_up_once_then_again_after_the_cache_time() {
        let hosts = Hosts::new(Duration::from_millis(200));
        let first = hosts.resolve("localhost", 80, Some(Duration::from_secs(5)), false);
        let first = first.unwrap();
        assert!(first.iter().all(|a| a.ip().is_loopback()), "{first:?}");
        let entries_at = |h: &Hosts| match lock(&h.entries).get(&("localhost".into(), 80)) {
            Some(Entry::Ready { at, .. }) => Some(*at),
            _ => None,
        };
        let cached_at = entries_at(&hosts).unwrap();
        for _ in 0..20 {
            hosts.resolve("localhost", 80, None, false).unwrap();
        }
        assert_eq!(entries_at(&hosts), Some(cached_at), "served from the cache");
        thread::sleep(Duration::from_millis(250));
        hosts.resolve("localhost", 80, None, false).unwrap();
        assert!(entries_at(&hosts).unwrap() > cached_at, "looked up again");
        hosts.resolve("localhost", 80, None, true).unwrap();
    }

    #[test]
    fn a_failed_lookup_is_named_and_not_cached() {
        let hosts = Hosts::new(Duration::from_secs(60));
        let err = hosts
            .resolve(
                "nonexistent.invalid",
                443,
                Some(Duration::from_secs(10)),
                false,
            )
            .unwrap_err();
        let Error::Io(e) = err else { panic!("{err:?}") };
        let failure = e
            .get_ref()
            .unwrap()
            .downcast_ref::<ResolveFailure>()
            .unwrap();
        assert_eq!(failure.host, "nonexistent.invalid");
        assert!(lock(&hosts.entries).is_empty());
    }

    #[test]
    fn lookup_threads_are_reused_and_bounded() {
        let threads = Arc::new(Threads::default());
        let (tx, rx) = std::sync::mpsc::channel();
        for i in 0..20 {
            let tx = tx.clone();
            threads
                .run(Box::new(move || {
                    tx.send((i, thread::current().id())).unwrap()
                }))
                .unwrap();
        }
        let ids: std::collections::HashSet<_> = (0..20).map(|_| rx.recv().unwrap().1).collect();
        assert!(ids.len() <= MAX_LOOKUP_THREADS, "{} threads", ids.len());
        threads.stop();
    }
}
