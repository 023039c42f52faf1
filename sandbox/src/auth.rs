//! The products' key headers. Answers follow the vendor's codes; a wrong key
//! carries status 401 inside the body (the pages show no example of it).

use crate::config::SandboxConfig;
use crate::reply::Reply;
use base64::Engine as _;

use taptalk::Product;

/// Checks the product's key header; `value` is the header as received.
pub fn authenticate(
    config: &SandboxConfig,
    product: Product,
    value: Option<&str>,
) -> Result<(), Reply> {
    let header = product.auth_header();
    let value = value.map(str::trim).unwrap_or_default();
    if value.is_empty() {
        return Err(Reply::api_error(
            400,
            "40001",
            &format!("Request headers are required ({header})"),
            "",
        ));
    }
    let not_found = || Reply::api_error(401, "49103", &format!("{header} is not found"), "");
    match product {
        Product::SendTalk if value == config.sendtalk_api_key => Ok(()),
        Product::OneTalk if value == config.onetalk_api_key => Ok(()),
        Product::SendTalk | Product::OneTalk => Err(not_found()),
        Product::PowerTalk => {
            let engine = base64::engine::general_purpose::STANDARD;
            let decoded = engine
                .decode(value)
                .ok()
                .and_then(|bytes| String::from_utf8(bytes).ok());
            let Some((id, secret)) = decoded.as_deref().and_then(|d| d.split_once(':')) else {
                return Err(Reply::api_error(401, "49102", "Server-Key is invalid", ""));
            };
            if id == config.powertalk_key_id && secret == config.powertalk_key_secret {
                Ok(())
            } else {
                Err(not_found())
            }
        }
        // A product this sandbox has no key for.
        _ => Err(not_found()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(r: Result<(), Reply>) -> String {
        r.map(|_| String::new())
            .unwrap_or_else(|reply| reply.code())
    }

    #[test]
    fn keys_are_checked_per_product() {
        let c = SandboxConfig::default();
        let key = c.powertalk_server_key();
        assert_eq!(code(authenticate(&c, Product::PowerTalk, Some(&key))), "");
        assert_eq!(code(authenticate(&c, Product::PowerTalk, None)), "40001");
        assert_eq!(
            code(authenticate(&c, Product::PowerTalk, Some("%%%"))),
            "49102"
        );
        let wrong = base64::engine::general_purpose::STANDARD.encode("a:b");
        assert_eq!(
            code(authenticate(&c, Product::PowerTalk, Some(&wrong))),
            "49103"
        );
        let st = c.sendtalk_api_key.clone();
        assert_eq!(code(authenticate(&c, Product::SendTalk, Some(&st))), "");
        assert_eq!(code(authenticate(&c, Product::OneTalk, Some(&st))), "49103");
        assert_eq!(code(authenticate(&c, Product::OneTalk, Some(" "))), "40001");
    }
}
