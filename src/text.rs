//! How an error message quotes a value it refuses: short and escaped, so a hostile input
//! (a megabyte of product name, CR/LF in a method) never comes back whole in an envelope,
//! a log line or an exception. The envelope's `field` says where; the message only shows
//! enough to recognise the value.

/// What a message may quote of a value it refuses: at most this many characters.
const QUOTE_CHARS: usize = 40;

/// `text` as an error message quotes what it refuses: in single quotes, control characters
/// and quotes escaped, cut to [`QUOTE_CHARS`] characters (then saying how long it was). A
/// hostile input (a megabyte of product name, CR/LF in a method) never comes back whole.
pub(crate) fn quoted(text: &str) -> String {
    let mut out = String::from("'");
    for c in text.chars().take(QUOTE_CHARS) {
        out.extend(c.escape_debug());
    }
    out.push('\'');
    let length = text.chars().count();
    if length > QUOTE_CHARS {
        out.push_str(&format!("... ({length} characters)"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::quoted;

    #[test]
    fn long_values_are_cut_and_control_characters_escaped() {
        assert_eq!(quoted("sendtalk"), "'sendtalk'");
        assert_eq!(quoted("GET\r\nHost: evil"), "'GET\\r\\nHost: evil'");
        let long = "x".repeat(1 << 20);
        let q = quoted(&long);
        assert_eq!(q, format!("'{}'... (1048576 characters)", "x".repeat(40)));
        assert_eq!(quoted("it's"), "'it\\'s'");
    }
}
