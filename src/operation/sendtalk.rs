//! SendTalk API: WhatsApp messages, their delivery status, number checks and verifications.
//!
//! Fields are reported by name, messages read "Phone is required".

use serde_json::{Map, Value};

use super::validate::{check_phone, field, Checked, Field, Fields, Style};

const PHONE: Field = field("phone", "Phone");
const MESSAGE_TYPE: Field = field("messageType", "Message type");
const BODY: Field = field("body", "Body");
// The pages spell it `filename` and `fileName`; the wire name is `filename`.
const FILENAME: Field = field("filename", "Filename");
const CAPTION: Field = field("caption", "Caption");
const ID: Field = field("id", "Message ID");

pub(crate) fn check_send_whatsapp(map: &Map<String, Value>) -> Checked<()> {
    let f = Fields::new(map, Style::Named);
    f.only(&[PHONE, MESSAGE_TYPE, BODY, FILENAME, CAPTION])?;
    check_phone(&f, PHONE)?;
    let message_type = f.required_choice(MESSAGE_TYPE, &["otp", "text", "image"])?;
    f.required_str(BODY)?;
    if message_type == "image" {
        f.required_str(FILENAME)?;
    } else {
        f.optional_str(FILENAME)?;
    }
    f.optional_str(CAPTION)?;
    Ok(())
}

pub(crate) fn check_get_status(map: &Map<String, Value>) -> Checked<()> {
    let f = Fields::new(map, Style::Named);
    f.only(&[ID])?;
    f.required_str(ID)?;
    Ok(())
}

pub(crate) fn check_check_whatsapp_phone(map: &Map<String, Value>) -> Checked<()> {
    let f = Fields::new(map, Style::Named);
    f.only(&[PHONE])?;
    check_phone(&f, PHONE)
}

const USER_PHONE: Field = field("userPhone", "User phone");
const LANGUAGE_CODE: Field = field("languageCode", "Language code");
const EXPIRY_MINUTES: Field = field("expiryMinutes", "Expiry minutes");
const APP_URL: Field = field("appURL", "App URL");

/// The vendor's example client sends `appURL` as `""` when there is none: empty is absent.
pub(crate) fn check_create_whatsapp_verification(map: &Map<String, Value>) -> Checked<()> {
    let f = Fields::new(map, Style::Named);
    f.only(&[USER_PHONE, LANGUAGE_CODE, EXPIRY_MINUTES, APP_URL])?;
    check_phone(&f, USER_PHONE)?;
    f.required_choice(LANGUAGE_CODE, &["en", "id"])?;
    if f.optional_int(EXPIRY_MINUTES)?.is_some_and(|m| m < 1) {
        return Err(f.invalid(EXPIRY_MINUTES, "must be a positive number of minutes"));
    }
    f.optional_str(APP_URL)?;
    Ok(())
}
