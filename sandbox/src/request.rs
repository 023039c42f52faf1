//! The request line of a request, and its query string read as JSON: shared by the API
//! path (`get_updated_list` takes its parameters from the query) and the control API.

use serde_json::{json, Map, Value};

/// A request line split into its parts; the body is read separately.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    pub method: String,
    pub path: String,
    pub query: String,
}

impl Head {
    /// From the method and the request target (`/path?query`).
    pub fn new(method: &str, target: &str) -> Head {
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        Head {
            method: method.to_string(),
            path: path.to_string(),
            query: query.to_string(),
        }
    }

    /// The control API lives under `/_sandbox`; everything else is the products' API.
    pub fn is_control(&self) -> bool {
        self.path == "/_sandbox" || self.path.starts_with("/_sandbox/")
    }
}

/// `a=1&b=x` as `{"a": 1, "b": "x"}`: numbers as numbers when they parse.
pub fn query_object(query: &str) -> Value {
    let mut map = Map::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let value = percent_decode(v);
        let parsed = if let Ok(n) = value.parse::<i64>() {
            json!(n)
        } else if let Ok(n) = value.parse::<u64>() {
            json!(n)
        } else {
            match value.parse::<f64>() {
                Ok(f) if f.is_finite() && !value.is_empty() => json!(f),
                _ => json!(value),
            }
        };
        map.insert(percent_decode(k), parsed);
    }
    Value::Object(map)
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_target_splits_into_path_and_query() {
        let head = Head::new("GET", "/_sandbox/requests?path=/a");
        assert_eq!(
            (head.path.as_str(), head.query.as_str()),
            ("/_sandbox/requests", "path=/a")
        );
        assert!(head.is_control());
        assert!(!Head::new("GET", "/_sandboxes").is_control());
    }

    #[test]
    fn query_strings_become_json_objects() {
        let v = query_object("since_timestamp=1640367001000&limit=10&x=a%20b+c&y=&z=1.5&bad=%zz");
        assert_eq!(
            v,
            json!({"since_timestamp": 1640367001000i64, "limit": 10, "x": "a b c", "y": "", "z": 1.5, "bad": "%zz"})
        );
        assert_eq!(query_object("a=%4"), json!({"a": "%4"}));
    }
}
