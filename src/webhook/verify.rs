//! The sender check: the `X-Secret-Key` header against the receiver's secret, compared in
//! constant time (`Secret::matches`). No signature, timestamp or nonce is documented for any
//! TapTalk callback, so the shared secret is all there is to check.

use crate::envelope::{Envelope, LocalCode};
use crate::secret::Secret;

/// The header TapTalk sets on the calls it makes to a chatbot or channel URL.
pub const SECRET_HEADER: &str = "X-Secret-Key";

/// Checks that `headers` carry `secret` exactly once (names compared without regard to
/// case, as HTTP does). The refusal never says what was received.
pub(crate) fn check_secret<'a>(
    headers: impl IntoIterator<Item = (&'a str, &'a str)>,
    secret: &Secret,
) -> Result<(), Envelope> {
    let mut values = headers
        .into_iter()
        .filter(|(name, _)| name.eq_ignore_ascii_case(SECRET_HEADER))
        .map(|(_, value)| value);
    let refuse = |code, message: &str| Err(Envelope::local(code, message, SECRET_HEADER));
    let (first, second) = (values.next(), values.next());
    match (first, second) {
        (None, _) | (Some(""), None) => refuse(
            LocalCode::WebhookSecretMissing,
            "The webhook carries no X-Secret-Key header, and one was expected: refuse it (HTTP 401)",
        ),
        (Some(_), Some(_)) => refuse(
            LocalCode::WebhookSecretWrong,
            "The webhook carries X-Secret-Key more than once: refuse it (HTTP 401)",
        ),
        (Some(value), None) if secret.matches(value.as_bytes()) => Ok(()),
        (Some(_), None) => refuse(
            LocalCode::WebhookSecretWrong,
            "The webhook's X-Secret-Key does not match the secret: refuse it (HTTP 401)",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_secret_must_be_there_once_and_equal_whatever_the_name_case() {
        let secret = Secret::new("s3cret");
        let code = |headers: &[(&str, &str)]| match check_secret(headers.iter().copied(), &secret) {
            Ok(()) => String::new(),
            Err(e) => e.code().to_owned(),
        };
        assert_eq!(code(&[("X-Secret-Key", "s3cret")]), "");
        assert_eq!(code(&[("x-secret-key", "s3cret"), ("Other", "x")]), "");
        assert_eq!(code(&[("X-SECRET-KEY", "s3cret")]), "");
        assert_eq!(code(&[]), "93001");
        assert_eq!(code(&[("X-Secret-Key", "")]), "93001");
        assert_eq!(code(&[("Secret-Key", "s3cret")]), "93001");
        assert_eq!(code(&[("X-Secret-Key", "s3creT")]), "93002");
        assert_eq!(code(&[("X-Secret-Key", "s3cret "),]), "93002");
        assert_eq!(
            code(&[("X-Secret-Key", "s3cret"), ("x-secret-key", "s3cret")]),
            "93002"
        );
    }

    #[test]
    fn a_refusal_names_the_header_and_never_the_values() {
        let secret = Secret::new("the-real-secret");
        let refused = check_secret([("X-Secret-Key", "a-guessed-value")], &secret).unwrap_err();
        assert_eq!(refused.field(), "X-Secret-Key");
        assert_eq!(refused.status(), 401);
        assert!(!refused.as_json().contains("the-real-secret"));
        assert!(!refused.as_json().contains("a-guessed-value"));
    }
}
