//! PowerTalk Server API: send custom message and sync contacts.
//!
//! Fields are reported by the bracketed number of the vendor's request table
//! (`"107"` for `senderXCUserID`). `messageType` has no number on the page (it is missing
//! from the table), so it is reported by name.

use serde_json::{Map, Value};

use crate::validate::{check_items, field, Checked, Field, Fields, Style};

const MESSAGE_TYPE: Field = field("messageType", "messageType");
const BODY: Field = field("body", "104");
const DATA: Field = field("data", "105");
const FILTER_ID: Field = field("filterID", "106");
const SENDER: Field = field("senderXCUserID", "107");
const RECIPIENT: Field = field("recipientXCUserID", "108");
const ROOM: Field = field("xcRoomID", "109");

const CONTACTS: Field = field("contacts", "101");
const OWNER: Field = field("ownerXCUserID", "102");
const CONTACT: Field = field("contactXCUserID", "103");
const IS_DELETED: Field = field("isDeleted", "104");

/// Message types the page documents, plus the customer-defined 3xxx range.
const TEXT: i64 = 1001;
const IMAGE: i64 = 1002;
const PRODUCTS: i64 = 2001;

pub(crate) fn check_send_custom_message(map: &Map<String, Value>) -> Checked<()> {
    let f = Fields::new(map, Style::Numbered);
    f.only(&[MESSAGE_TYPE, BODY, DATA, FILTER_ID, SENDER, RECIPIENT, ROOM])?;
    let message_type = f.required_int(MESSAGE_TYPE)?;
    if !matches!(message_type, TEXT | IMAGE | PRODUCTS | 3000..=3999) {
        return Err(f.invalid(
            MESSAGE_TYPE,
            "use 1001 (text), 1002 (image), 2001 (products) or 3000-3999 (custom)",
        ));
    }
    f.required_str(BODY)?;
    f.required_str(SENDER)?;
    // The pages' examples send the unused one as "", so empty means absent.
    let recipient = f.optional_str(RECIPIENT)?.unwrap_or_default();
    let room = f.optional_str(ROOM)?.unwrap_or_default();
    match (recipient.is_empty(), room.is_empty()) {
        (true, true) => {
            return Err(f.invalid(
                RECIPIENT,
                "give recipientXCUserID (personal room) or xcRoomID (other rooms)",
            ))
        }
        (false, false) => {
            return Err(f.invalid(
                RECIPIENT,
                "recipientXCUserID and xcRoomID cannot be used together",
            ))
        }
        _ => {}
    }
    f.optional_str(FILTER_ID)?;
    check_data(&f, message_type)
}

/// `data` may be given as the JSON string the API wants, or as the object/array it encodes.
fn check_data(f: &Fields, message_type: i64) -> Checked<()> {
    let parsed;
    let data = match f.get(DATA) {
        None => None,
        Some(Value::String(s)) if s.is_empty() => None,
        Some(Value::String(s)) if matches!(message_type, IMAGE | PRODUCTS) => {
            parsed = serde_json::from_str::<Value>(s)
                .map_err(|_| f.invalid(DATA, "the string is not valid JSON"))?;
            Some(&parsed)
        }
        Some(v @ (Value::String(_) | Value::Object(_) | Value::Array(_))) => Some(v),
        Some(_) => return Err(f.wrong_type(DATA, "a JSON string, object or array")),
    };
    match (message_type, data) {
        (IMAGE | PRODUCTS, None) => Err(f.required(DATA)),
        (IMAGE, Some(images)) => check_images(f, images),
        (PRODUCTS, Some(products)) => check_products(f, products),
        _ => Ok(()),
    }
}

/// One image object, or an array of one or more (the page's text and example disagree).
fn check_images(f: &Fields, images: &Value) -> Checked<()> {
    let one;
    let items = match images {
        Value::Array(items) if !items.is_empty() => items.as_slice(),
        Value::Object(_) => {
            one = [images.clone()];
            &one[..]
        }
        _ => {
            return Err(f.invalid(
                DATA,
                "an image message needs an image object or an array of them",
            ))
        }
    };
    check_items(f, DATA, items, |image| {
        image.required_str(field("url", "105"))?;
        for key in ["mediaType", "caption"] {
            image.optional_str(field(key, "105"))?;
        }
        for key in ["size", "width", "height"] {
            if image
                .optional_int(field(key, "105"))?
                .is_some_and(|n| n < 0)
            {
                return Err(image.invalid(field(key, "105"), "must not be negative"));
            }
        }
        Ok(())
    })
}

fn check_products(f: &Fields, products: &Value) -> Checked<()> {
    let Some(items) = products.as_array().filter(|a| !a.is_empty()) else {
        return Err(f.invalid(
            DATA,
            "a products message needs an array of one or more products",
        ));
    };
    check_items(f, DATA, items, |product| {
        product.required_str(field("name", "105"))?;
        for key in [
            "imageURL",
            "description",
            "price",
            "currency",
            "rating",
            "buttonOption1Text",
            "buttonOption1Color",
            "buttonOption2Text",
            "buttonOption2Color",
        ] {
            product.optional_str(field(key, "105"))?;
        }
        Ok(())
    })
}

pub(crate) fn check_sync_contacts(map: &Map<String, Value>) -> Checked<()> {
    let f = Fields::new(map, Style::Numbered);
    f.only(&[CONTACTS])?;
    let contacts = match f.get(CONTACTS) {
        None | Some(Value::Null) => return Err(f.required(CONTACTS)),
        Some(Value::Array(a)) if a.is_empty() => return Err(f.required(CONTACTS)),
        Some(Value::Array(a)) => a,
        Some(_) => return Err(f.wrong_type(CONTACTS, "an array of contacts")),
    };
    check_items(&f, CONTACTS, contacts, |contact| {
        contact.only(&[OWNER, CONTACT, IS_DELETED])?;
        contact.required_str(OWNER)?;
        contact.required_str(CONTACT)?;
        contact.optional_bool(IS_DELETED)?;
        Ok(())
    })
}

/// The API wants `data` as a string; an object or array given by the caller is encoded here.
pub(crate) fn encode_data(map: &mut Map<String, Value>) {
    if let Some(data) = map.get_mut(DATA.name) {
        if data.is_object() || data.is_array() {
            *data = Value::String(data.to_string());
        }
    }
}
