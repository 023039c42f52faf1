//! Local checks of a request before any network use, answered the way the server would.
//!
//! Building blocks only: the rules for each operation live with their product
//! (`powertalk`, `sendtalk`, `onetalk`) and the operation table points at them; this module
//! holds the vocabulary they share and the two error styles:
//! SendTalk and OneTalk name the field (`"phone"`, `"Phone is required"`), PowerTalk gives
//! the bracketed number from its request table (`"107"`, `"Param 'senderXCUserID' cannot be empty"`).

use serde_json::{Map, Value};

use crate::text::quoted;

/// A field that failed validation: what the server would put in `error.field` and
/// `error.message` of a `40002` reply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidField {
    /// The field in the product's convention (name, or PowerTalk's number).
    pub field: String,
    /// A message in the vendor's style, saying what to change.
    pub message: String,
}

pub(crate) type Checked<T> = Result<T, InvalidField>;

/// How a product reports a bad field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Style {
    /// `field` is the name; messages read "Phone is required".
    Named,
    /// `field` is the number from the request table; messages read "Param 'body' cannot be empty".
    Numbered,
}

/// A documented request field: its wire name and, per style, its human label or its number.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Field {
    pub name: &'static str,
    pub label: &'static str,
}

pub(crate) const fn field(name: &'static str, label: &'static str) -> Field {
    Field { name, label }
}

/// A JSON object being checked, with where it sits in the request (for nested items).
pub(crate) struct Fields<'a> {
    map: &'a Map<String, Value>,
    style: Style,
    prefix: String,
}

impl<'a> Fields<'a> {
    pub fn new(map: &'a Map<String, Value>, style: Style) -> Self {
        Fields {
            map,
            style,
            prefix: String::new(),
        }
    }

    /// An object nested at `prefix` (e.g. `contacts[2].`), for per-item messages.
    pub fn nested(map: &'a Map<String, Value>, style: Style, prefix: String) -> Self {
        Fields { map, style, prefix }
    }

    /// The object `map` found at field `f` of this one, for checking its own fields.
    pub fn child(&self, f: Field, map: &'a Map<String, Value>) -> Fields<'a> {
        Fields::nested(map, self.style, format!("{}{}.", self.prefix, f.name))
    }

    pub fn get(&self, f: Field) -> Option<&'a Value> {
        self.map.get(f.name)
    }

    /// Refuses keys the operation does not document: a typo would otherwise be dropped
    /// silently by the server and the message sent without it.
    pub fn only(&self, known: &[Field]) -> Checked<()> {
        match self
            .map
            .keys()
            .find(|k| !known.iter().any(|f| f.name == k.as_str()))
        {
            None => Ok(()),
            Some(unknown) => {
                let path = format!("{}{}", self.prefix, unknown);
                let message = match self.style {
                    Style::Named => format!("Unknown field {}", quoted(&path)),
                    Style::Numbered => format!("Param {} is not a known parameter", quoted(&path)),
                };
                Err(InvalidField {
                    field: path,
                    message,
                })
            }
        }
    }

    /// A string that must be present and non-empty.
    pub fn required_str(&self, f: Field) -> Checked<&'a str> {
        match self.optional_str(f)? {
            Some(s) if !s.is_empty() => Ok(s),
            _ => Err(self.required(f)),
        }
    }

    pub fn optional_str(&self, f: Field) -> Checked<Option<&'a str>> {
        match self.get(f) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(self.wrong_type(f, "a string")),
        }
    }

    pub fn optional_bool(&self, f: Field) -> Checked<Option<bool>> {
        match self.get(f) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(self.wrong_type(f, "a boolean (true or false)")),
        }
    }

    pub fn optional_int(&self, f: Field) -> Checked<Option<i64>> {
        match self.get(f) {
            None => Ok(None),
            Some(v) => v
                .as_i64()
                .map(Some)
                .ok_or_else(|| self.wrong_type(f, "an integer")),
        }
    }

    pub fn required_int(&self, f: Field) -> Checked<i64> {
        self.optional_int(f)?.ok_or_else(|| self.required(f))
    }

    /// A string whose length in characters is within `range` when present (an empty
    /// string counts as absent for optional fields, as the vendor's examples send them).
    pub fn optional_str_len(
        &self,
        f: Field,
        range: std::ops::RangeInclusive<usize>,
    ) -> Checked<Option<&'a str>> {
        match self.optional_str(f)? {
            Some(s) if !s.is_empty() => self.check_len(f, s, range).map(Some),
            _ => Ok(None),
        }
    }

    /// A required string whose length in characters is within `range`.
    pub fn required_str_len(
        &self,
        f: Field,
        range: std::ops::RangeInclusive<usize>,
    ) -> Checked<&'a str> {
        let s = self.required_str(f)?;
        self.check_len(f, s, range)
    }

    fn check_len(
        &self,
        f: Field,
        s: &'a str,
        range: std::ops::RangeInclusive<usize>,
    ) -> Checked<&'a str> {
        if range.contains(&s.chars().count()) {
            Ok(s)
        } else {
            let why = format!("use {} to {} characters", range.start(), range.end());
            Err(self.invalid(f, &why))
        }
    }

    /// An optional array of strings.
    pub fn optional_str_array(&self, f: Field) -> Checked<Option<&'a [Value]>> {
        match self.get(f) {
            None => Ok(None),
            Some(Value::Array(items)) if items.iter().all(Value::is_string) => Ok(Some(items)),
            Some(_) => Err(self.wrong_type(f, "an array of strings")),
        }
    }

    /// One of a fixed set of string values.
    pub fn required_choice(&self, f: Field, allowed: &[&str]) -> Checked<&'a str> {
        let value = self.required_str(f)?;
        if allowed.contains(&value) {
            Ok(value)
        } else {
            Err(self.invalid(f, &format!("use one of: {}", allowed.join(", "))))
        }
    }

    fn path(&self, f: Field) -> String {
        format!("{}{}", self.prefix, f.name)
    }

    /// The `field` value reported for `f`.
    fn reported(&self, f: Field) -> String {
        match self.style {
            Style::Named if self.prefix.is_empty() => f.name.to_owned(),
            Style::Named => self.path(f),
            Style::Numbered => f.label.to_owned(),
        }
    }

    /// How `f` is named inside a message.
    fn subject(&self, f: Field) -> String {
        match self.style {
            Style::Named if self.prefix.is_empty() => f.label.to_owned(),
            Style::Named => format!("'{}'", self.path(f)),
            Style::Numbered => format!("Param '{}'", self.path(f)),
        }
    }

    pub fn required(&self, f: Field) -> InvalidField {
        let message = match self.style {
            Style::Named => format!("{} is required", self.subject(f)),
            Style::Numbered => format!("{} cannot be empty", self.subject(f)),
        };
        InvalidField {
            field: self.reported(f),
            message,
        }
    }

    pub fn wrong_type(&self, f: Field, what: &str) -> InvalidField {
        InvalidField {
            field: self.reported(f),
            message: format!("{} must be {what}", self.subject(f)),
        }
    }

    pub fn invalid(&self, f: Field, why: &str) -> InvalidField {
        InvalidField {
            field: self.reported(f),
            message: format!("{} is invalid: {why}", self.subject(f)),
        }
    }
}

/// Phone numbers travel as digits with the country code and no `+` (`6281212345678`):
/// 7 to 15 digits (E.164's maximum), not starting with 0 (that would be a local number).
pub(crate) fn check_phone(fields: &Fields, f: Field) -> Checked<()> {
    let phone = fields.required_str(f)?;
    let digits = phone.bytes().all(|b| b.is_ascii_digit());
    if digits && (7..=15).contains(&phone.len()) && !phone.starts_with('0') {
        Ok(())
    } else {
        Err(fields.invalid(
            f,
            "use digits only, starting with the country code (e.g. 6281212345678)",
        ))
    }
}

/// An array of objects, each checked by `item` with its index in the messages.
pub(crate) fn check_items(
    fields: &Fields,
    f: Field,
    items: &[Value],
    mut item: impl FnMut(&Fields) -> Checked<()>,
) -> Checked<()> {
    for (i, value) in items.iter().enumerate() {
        let Some(map) = value.as_object() else {
            let at = field(f.name, f.label);
            return Err(fields.wrong_type(at, &format!("an array of objects (item {i} is not)")));
        };
        let prefix = format!("{}{}[{i}].", fields.prefix, f.name);
        item(&Fields::nested(map, fields.style, prefix))?;
    }
    Ok(())
}
