//! SendTalk API: send a WhatsApp message and read its delivery status.
//!
//! Fields are reported by name, messages read "Phone is required".

use serde_json::{Map, Value};

use crate::validate::{check_phone, field, Checked, Field, Fields, Style};

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
