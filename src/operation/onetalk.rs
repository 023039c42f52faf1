//! OneTalk Integration API: WhatsApp messages, template messages, cases and customer users.
//!
//! Fields are reported by name, messages read "Channel ID is required".

use serde_json::{Map, Value};

use super::validate::{check_items, check_phone, field, Checked, Field, Fields, Style};

const CHANNEL_ID: Field = field("channelID", "Channel ID");
const PHONE: Field = field("phone", "Phone");
const MESSAGE_TYPE: Field = field("messageType", "Message type");
const BODY: Field = field("body", "Body");
const FILENAME: Field = field("filename", "Filename");
const CAPTION: Field = field("caption", "Caption");
const WITH_CASE: Field = field("withCase", "With case");
const TOPIC_ID: Field = field("topicID", "Topic ID");

const PHONE_NUMBER_ID: Field = field("phoneNumberID", "Phone number ID");
const TEMPLATE_NAME: Field = field("templateName", "Template name");
const LANGUAGE_CODE: Field = field("languageCode", "Language code");
const PARAMETERS: Field = field("parameters", "Parameters");
const TEMPLATE_PARTS: [Field; 4] = [
    field("header", "Header"),
    field("body", "Body"),
    field("footer", "Footer"),
    field("buttons", "Buttons"),
];

const SINCE_TIMESTAMP: Field = field("since_timestamp", "Since timestamp");
const LIMIT: Field = field("limit", "Limit");
/// The page's default and maximum page size.
pub(crate) const MAX_LIMIT: i64 = 100;

const CASE_ID: Field = field("caseID", "Case ID");
const AGENT_REMARK: Field = field("agentRemark", "Agent remark");
const IS_JUNK: Field = field("isJunk", "Is junk");

pub(crate) fn check_send_whatsapp(map: &Map<String, Value>) -> Checked<()> {
    let f = Fields::new(map, Style::Named);
    f.only(&[
        CHANNEL_ID,
        PHONE,
        MESSAGE_TYPE,
        BODY,
        FILENAME,
        CAPTION,
        WITH_CASE,
        TOPIC_ID,
    ])?;
    f.required_str(CHANNEL_ID)?;
    check_phone(&f, PHONE)?;
    let message_type = f.required_choice(MESSAGE_TYPE, &["text", "image", "file"])?;
    f.required_str(BODY)?;
    if message_type == "text" {
        f.optional_str(FILENAME)?;
    } else {
        f.required_str(FILENAME)?;
    }
    f.optional_str(CAPTION)?;
    check_case_options(&f)
}

pub(crate) fn check_send_whatsapp_template(map: &Map<String, Value>) -> Checked<()> {
    let f = Fields::new(map, Style::Named);
    if f.get(field("buttons", "Buttons")).is_some() {
        // The page's table lists `buttons` at the top level; its example and the product
        // put it inside `parameters`. Say so rather than "unknown field".
        return Err(super::validate::InvalidField {
            field: "buttons".to_owned(),
            message: "Buttons go inside parameters, beside header, body and footer".to_owned(),
        });
    }
    f.only(&[
        CHANNEL_ID,
        PHONE_NUMBER_ID,
        PHONE,
        TEMPLATE_NAME,
        LANGUAGE_CODE,
        PARAMETERS,
        WITH_CASE,
        TOPIC_ID,
    ])?;
    f.required_str(CHANNEL_ID)?;
    f.required_str(PHONE_NUMBER_ID)?;
    check_phone(&f, PHONE)?;
    f.required_str(TEMPLATE_NAME)?;
    f.required_str(LANGUAGE_CODE)?;
    match f.get(PARAMETERS) {
        None => {}
        Some(Value::Object(parameters)) => check_template_parameters(parameters)?,
        Some(_) => return Err(f.wrong_type(PARAMETERS, "an object")),
    }
    check_case_options(&f)
}

/// `parameters.{header,body,footer,buttons}`: arrays of `{"name": .., "value": ..}`.
fn check_template_parameters(parameters: &Map<String, Value>) -> Checked<()> {
    let f = Fields::nested(parameters, Style::Named, "parameters.".to_owned());
    f.only(&TEMPLATE_PARTS)?;
    for part in TEMPLATE_PARTS {
        match f.get(part) {
            None => {}
            Some(Value::Array(items)) => check_items(&f, part, items, |item| {
                let (name, value) = (field("name", "Name"), field("value", "Value"));
                item.only(&[name, value])?;
                item.required_str(name)?;
                item.optional_str(value)?
                    .ok_or_else(|| item.required(value))?;
                Ok(())
            })?,
            Some(_) => return Err(f.wrong_type(part, "an array of {name, value} objects")),
        }
    }
    Ok(())
}

fn check_case_options(f: &Fields) -> Checked<()> {
    f.optional_bool(WITH_CASE)?;
    if f.optional_int(TOPIC_ID)?.is_some_and(|id| id < 1) {
        return Err(f.invalid(TOPIC_ID, "must be a positive integer"));
    }
    Ok(())
}

pub(crate) fn check_get_updated_cases(map: &Map<String, Value>) -> Checked<()> {
    let f = Fields::new(map, Style::Named);
    f.only(&[SINCE_TIMESTAMP, LIMIT])?;
    match f.get(SINCE_TIMESTAMP) {
        None => return Err(f.required(SINCE_TIMESTAMP)),
        // The vendor's own message for a bad timestamp carries no detail; keep it verbatim.
        Some(v) if v.as_i64().is_none_or(|t| t < 0) => {
            return Err(super::validate::InvalidField {
                field: SINCE_TIMESTAMP.name.to_owned(),
                message: "Since timestamp is invalid".to_owned(),
            })
        }
        Some(_) => {}
    }
    if f.optional_int(LIMIT)?
        .is_some_and(|limit| !(1..=MAX_LIMIT).contains(&limit))
    {
        return Err(f.invalid(LIMIT, "use 1 to 100"));
    }
    Ok(())
}

/// The GET query string: `since_timestamp` and `limit` (the page's default when absent).
pub(crate) fn updated_cases_query(map: &Map<String, Value>) -> String {
    let since = map.get(SINCE_TIMESTAMP.name).and_then(Value::as_i64);
    let limit = map.get(LIMIT.name).and_then(Value::as_i64);
    format!(
        "since_timestamp={}&limit={}",
        since.unwrap_or_default(),
        limit.unwrap_or(MAX_LIMIT)
    )
}

pub(crate) fn check_update_case(map: &Map<String, Value>) -> Checked<()> {
    let f = Fields::new(map, Style::Named);
    f.only(&[CASE_ID, AGENT_REMARK, IS_JUNK])?;
    f.required_str(CASE_ID)?;
    f.optional_str(AGENT_REMARK)?;
    f.optional_bool(IS_JUNK)?;
    Ok(())
}

const CUSTOMER_USER_ID: Field = field("customerUserID", "Customer user ID");
const FULL_NAME: Field = field("fullName", "Full name");
const ALIAS: Field = field("alias", "Alias");
const EMAIL: Field = field("email", "Email");
const PHOTO_URL: Field = field("photoURL", "Photo URL");

/// `user/request_auth_ticket` and `user/sync_contact` take the same customer fields, with
/// the published limits: customerUserID 1..100, fullName 1..250, phone 1..20 characters.
pub(crate) fn check_user(map: &Map<String, Value>) -> Checked<()> {
    let f = Fields::new(map, Style::Named);
    f.only(&[CUSTOMER_USER_ID, FULL_NAME, ALIAS, EMAIL, PHONE, PHOTO_URL])?;
    f.required_str_len(CUSTOMER_USER_ID, 1..=100)?;
    f.required_str_len(FULL_NAME, 1..=250)?;
    f.optional_str_len(PHONE, 1..=20)?;
    for optional in [ALIAS, EMAIL, PHOTO_URL] {
        f.optional_str(optional)?;
    }
    Ok(())
}
