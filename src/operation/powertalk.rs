//! PowerTalk Server API: messages, contacts, users, rooms and auth tickets.
//!
//! Fields are reported by the bracketed number of the vendor's request table
//! (`"107"` for `senderXCUserID`). A field without a published number (`messageType`, and
//! the auth ticket's user fields after 103) is reported by name.

use serde_json::{Map, Value};

use super::validate::{check_items, field, Checked, Field, Fields, Style};

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
            parsed = crate::json::parse(s, crate::json::Duplicates::LastWins)
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

// Users: the published numbers start at 105 (the table's first rows are not published).
const USER_ID: Field = field("xcUserID", "105");
const FULL_NAME: Field = field("fullName", "106");
const EMAIL: Field = field("email", "107");
const USER_PHONE: Field = field("phone", "108");
const USERNAME: Field = field("username", "109");
const USER_THUMB: Field = field("photoThumbnailURL", "110");
const USER_PHOTO: Field = field("photoFullsizeURL", "111");
const ROLE: Field = field("userRoleCode", "112");
/// The page's limit on `xcUserID` and `xcRoomID`.
const MAX_XC_ID: usize = 50;

pub(crate) fn check_update_user(map: &Map<String, Value>) -> Checked<()> {
    let f = Fields::new(map, Style::Numbered);
    let optional = [EMAIL, USER_PHONE, USERNAME, USER_THUMB, USER_PHOTO, ROLE];
    let mut known = vec![USER_ID, FULL_NAME];
    known.extend(optional);
    f.only(&known)?;
    f.required_str_len(USER_ID, 1..=MAX_XC_ID)?;
    f.required_str(FULL_NAME)?;
    for optional in optional {
        f.optional_str(optional)?;
    }
    Ok(())
}

const ROOM_ID: Field = field("xcRoomID", "101");
const ROOM_TYPE: Field = field("type", "102");
const ROOM_NAME: Field = field("name", "103");
const ROOM_THUMB: Field = field("photoThumbnailURL", "104");
const ROOM_PHOTO: Field = field("photoFullsizeURL", "105");
const TAGS: Field = field("tags", "106");
const PARTICIPANTS: Field = field("participantXCUserIDs", "107");
const PARTICIPANT_ROLES: Field = field("participantUserRoles", "108");
/// Room types the API creates: 2 group, 4 transaction (1 personal and 3 channel are not).
const GROUP: i64 = 2;
const TRANSACTION: i64 = 4;

pub(crate) fn check_create_or_update_room(map: &Map<String, Value>) -> Checked<()> {
    let f = Fields::new(map, Style::Numbered);
    f.only(&[
        ROOM_ID,
        ROOM_TYPE,
        ROOM_NAME,
        ROOM_THUMB,
        ROOM_PHOTO,
        TAGS,
        PARTICIPANTS,
        PARTICIPANT_ROLES,
    ])?;
    f.required_str_len(ROOM_ID, 1..=MAX_XC_ID)?;
    if !matches!(f.required_int(ROOM_TYPE)?, GROUP | TRANSACTION) {
        return Err(f.invalid(ROOM_TYPE, "use 2 (group) or 4 (transaction)"));
    }
    f.required_str(ROOM_NAME)?;
    f.optional_str(ROOM_THUMB)?;
    f.optional_str(ROOM_PHOTO)?;
    f.optional_str_array(TAGS)?;
    if let Some(ids) = f.optional_str_array(PARTICIPANTS)? {
        if ids.iter().any(|id| id.as_str().is_none_or(str::is_empty)) {
            return Err(f.invalid(PARTICIPANTS, "an XC user ID is empty"));
        }
    }
    // The role list's item shape is not published: an array is all that is checked.
    match f.get(PARTICIPANT_ROLES) {
        None | Some(Value::Array(_)) => Ok(()),
        Some(_) => Err(f.wrong_type(PARTICIPANT_ROLES, "an array")),
    }
}

const IP_ADDRESS: Field = field("userIPAddress", "101");
const USER_AGENT: Field = field("userAgent", "102");
const PLATFORM: Field = field("userPlatform", "103");
const DEVICE_ID: Field = field("userDeviceID", "userDeviceID");

pub(crate) fn check_request_auth_ticket(map: &Map<String, Value>) -> Checked<()> {
    let f = Fields::new(map, Style::Numbered);
    // The user fields after 103 have no published number: reported by name.
    let by_name = |f: Field| field(f.name, f.name);
    let optional = [EMAIL, USER_PHONE, USERNAME, USER_THUMB, USER_PHOTO, ROLE].map(by_name);
    let (user_id, full_name) = (by_name(USER_ID), by_name(FULL_NAME));
    let mut known = vec![
        IP_ADDRESS, USER_AGENT, PLATFORM, DEVICE_ID, user_id, full_name,
    ];
    known.extend(optional);
    f.only(&known)?;
    f.required_str(IP_ADDRESS)?;
    f.required_str(USER_AGENT)?;
    f.required_choice(PLATFORM, &["android", "ios", "web"])?;
    f.required_str(DEVICE_ID)?;
    f.required_str_len(user_id, 1..=MAX_XC_ID)?;
    f.required_str(full_name)?;
    for optional in optional {
        f.optional_str(optional)?;
    }
    Ok(())
}

/// The API wants `data` as a string; an object or array given by the caller is encoded here.
pub(crate) fn encode_data(map: &mut Map<String, Value>) {
    if let Some(data) = map.get_mut(DATA.name) {
        if data.is_object() || data.is_array() {
            *data = Value::String(data.to_string());
        }
    }
}
