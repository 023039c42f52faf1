//! A string that must never be printed: API keys, the PowerTalk key secret and webhook
//! secrets; and the one way a secret is compared with what a request carries.

use std::fmt;

/// Holds a credential. `Debug` and `Display` print `<redacted>`, so a config or client can
/// be logged by a careless `{:?}` without leaking it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a credential.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The credential itself; call only where it goes onto the wire.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether `given` (e.g. an `X-Secret-Key` header's bytes) equals this secret, in time
    /// that depends on neither where they differ nor how long `given` is.
    pub fn matches(&self, given: &[u8]) -> bool {
        constant_time_eq(self.0.as_bytes(), given)
    }
}

/// `a == b`, taking the same time whatever the contents: every byte of `b` is looked at and
/// no branch depends on a byte, so a caller timing many guesses learns nothing about where a
/// guess first went wrong. Only the length of `a` (the secret) shapes the loop, and a
/// secret's length is no secret worth keeping: it is the same for every guess.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    // Lengths that differ still walk all of `b`, compared against `a` repeated, so a short
    // guess costs what a right-length one does.
    let mut difference = (a.len() ^ b.len()) as u64;
    if a.is_empty() {
        return b.is_empty();
    }
    for (i, &byte) in b.iter().enumerate() {
        difference |= u64::from(a[i % a.len()] ^ byte);
    }
    // black_box keeps the optimiser from turning the loop into an early exit.
    std::hint::black_box(difference) == 0
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

#[cfg(test)]
mod tests {
    use super::{constant_time_eq, Secret};

    #[test]
    fn equal_only_when_every_byte_and_the_length_agree() {
        assert!(constant_time_eq(b"s3cret", b"s3cret"));
        assert!(!constant_time_eq(b"s3cret", b"s3creT"));
        assert!(!constant_time_eq(b"s3cret", b"S3cret"));
        assert!(!constant_time_eq(b"s3cret", b"s3cre"));
        assert!(
            !constant_time_eq(b"s3cret", b"s3crets3cret"),
            "a repeat is not a match"
        );
        assert!(!constant_time_eq(b"s3cret", b""));
        assert!(!constant_time_eq(b"", b"x"));
        assert!(constant_time_eq(b"", b""));
        let secret = Secret::new("hook-secret");
        assert!(secret.matches(b"hook-secret"));
        assert!(!secret.matches(b"hook-secreT"));
        assert_eq!(format!("{secret:?} {secret}"), "<redacted> <redacted>");
    }
}
