"""PowerTalk Server API: messages, contacts, users, rooms and auth tickets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, List, Mapping, Optional, Sequence, Union

from ._base import JSONDict, _fields, _Product

__all__ = ["PowerTalk", "Contact"]


@dataclass(frozen=True)
class Contact:
    """One PowerTalk contact pair for :meth:`PowerTalk.sync_contacts`.

    Attributes:
        owner_xc_user_id: (102) The XC user ID who owns the contact.
        contact_xc_user_id: (103) The contact's XC user ID.
        is_deleted: (104) If the contact is to be deleted, may be omitted if false.
    """

    owner_xc_user_id: str
    contact_xc_user_id: str
    is_deleted: bool = False

    def to_json(self) -> JSONDict:
        """The contact in the vendor's field names."""
        return _fields((("ownerXCUserID", self.owner_xc_user_id),
                        ("contactXCUserID", self.contact_xc_user_id),
                        ("isDeleted", self.is_deleted or None)))


_CONTACT_FIELDS = {
    "owner_xc_user_id": "ownerXCUserID",
    "contact_xc_user_id": "contactXCUserID",
    "is_deleted": "isDeleted",
}


def _contact_json(contact: Union[Contact, Mapping[str, Any]]) -> JSONDict:
    if isinstance(contact, Contact):
        return contact.to_json()
    if not isinstance(contact, Mapping):
        raise TypeError("each contact is a taptalk.Contact or a mapping")
    return {_CONTACT_FIELDS.get(key, key): value for key, value in contact.items()
            if value is not None}


class PowerTalk(_Product):
    """PowerTalk Server API (header ``Server-Key: base64(SERVER_KEY_ID:SERVER_KEY_SECRET)``).

    Errors name fields by the bracketed number of the vendor's request table, e.g.
    ``field == "107"`` for ``sender_xc_user_id``.
    """

    def send_custom_message(
        self,
        *,
        message_type: int,
        body: str,
        sender_xc_user_id: str,
        recipient_xc_user_id: Optional[str] = None,
        xc_room_id: Optional[str] = None,
        filter_id: Optional[str] = None,
        data: Union[str, Mapping[str, Any], Sequence[Any], None] = None,
        raw: bool = False,
    ) -> JSONDict:
        """Sends a custom message on behalf of a user (POST /v1/server/message/send/custom).

        If the body or data is too long, the message might be split into several messages;
        when ``filter_id`` is not empty only the last of them is visible.

        Args:
            message_type: ``messageType``: 1001 text, 1002 image, 2001 products, or a
                self-defined custom type 3000-3999.
            body: (104) The text message. Text only: it is also the push notification.
            sender_xc_user_id: (107) The sender's XC user ID.
            recipient_xc_user_id: (108) The recipient's XC user ID, for a personal room.
            xc_room_id: (109) The room ID to send to, for other room types. Give exactly one
                of ``recipient_xc_user_id`` and ``xc_room_id``.
            filter_id: (106) The filter ID.
            data: (105) The data payload, based on the message type: empty for 1001 text;
                for 1002 an image ``{"url", "mediaType", "size", "width", "height",
                "caption"}`` or a list of them; for 2001 a list of products ``{"name",
                "imageURL", "description", "price", "currency", "rating",
                "buttonOption1Text", "buttonOption1Color", "buttonOption2Text",
                "buttonOption2Color"}``. A dict or list is encoded to the JSON string the
                API wants; a string is sent as it is.
            raw: return the whole envelope instead of raising on failure.

        Returns:
            ``data``: ``success`` (bool, if the request is successful) and ``localID`` (the
            local ID of the sent message).
        """
        request = _fields((
            ("messageType", message_type),
            ("body", body),
            ("data", _payload(data)),
            ("filterID", filter_id),
            ("senderXCUserID", sender_xc_user_id),
            ("recipientXCUserID", recipient_xc_user_id),
            ("xcRoomID", xc_room_id),
        ))
        return self._call("powertalk_send_custom_message", request, raw)

    def sync_contacts(
        self,
        contacts: Iterable[Union[Contact, Mapping[str, Any]]],
        *,
        raw: bool = False,
    ) -> JSONDict:
        """Adds and/or deletes one-way contacts (POST /v1/server/contact/sync).

        A contact works one-way: a user may add another user to his/her contact list
        without the added user doing the same. Deletion always runs last: if the list has
        duplicate owner-contact pairs with one's ``is_deleted`` true, that pair is deleted.

        Args:
            contacts: (101) The list of contacts to be synced: :class:`Contact` objects or
                mappings with ``owner_xc_user_id`` (102, the XC user ID who owns the
                contact), ``contact_xc_user_id`` (103, the contact's XC user ID) and
                optional ``is_deleted`` (104, if the contact is to be deleted); the vendor's
                names (``ownerXCUserID``...) are accepted too.
            raw: return the whole envelope instead of raising on failure.

        Returns:
            ``data``: ``countInserted`` (number of contact rows inserted) and
            ``countDeleted`` (number of contact rows deleted).
        """
        if isinstance(contacts, (str, bytes, Mapping, Contact)):
            raise TypeError("contacts is a list of contacts")
        request = {"contacts": [_contact_json(c) for c in contacts]}
        return self._call("powertalk_sync_contacts", request, raw)

    def update_user(
        self,
        *,
        xc_user_id: str,
        full_name: str,
        email: Optional[str] = None,
        phone: Optional[str] = None,
        username: Optional[str] = None,
        photo_thumbnail_url: Optional[str] = None,
        photo_fullsize_url: Optional[str] = None,
        user_role_code: Optional[str] = None,
        raw: bool = False,
    ) -> JSONDict:
        """Creates a user, or updates the user with that XC user ID
        (POST /v1/server/user/update). Safe to repeat: an upsert.

        Args:
            xc_user_id: (105) Your own ID for the user, up to 50 characters.
            full_name: (106) The user's full name.
            email: (107) The user's email.
            phone: (108) The user's phone number.
            username: (109) The user's username.
            photo_thumbnail_url: (110) URL of the profile picture's thumbnail.
            photo_fullsize_url: (111) URL of the full-size profile picture.
            user_role_code: (112) The user's role code.
            raw: return the whole envelope instead of raising on failure.

        Returns:
            ``data``: ``userID`` (PowerTalk's own ID for the user).
        """
        request = _fields((
            ("xcUserID", xc_user_id), ("fullName", full_name), ("email", email),
            ("phone", phone), ("username", username),
            ("photoThumbnailURL", photo_thumbnail_url),
            ("photoFullsizeURL", photo_fullsize_url), ("userRoleCode", user_role_code),
        ))
        return self._call("powertalk_update_user", request, raw)

    def create_or_update_room(
        self,
        *,
        xc_room_id: str,
        room_type: int,
        name: str,
        photo_thumbnail_url: Optional[str] = None,
        photo_fullsize_url: Optional[str] = None,
        tags: Optional[Sequence[str]] = None,
        participant_xc_user_ids: Optional[Sequence[str]] = None,
        participant_user_roles: Optional[Sequence[Any]] = None,
        raw: bool = False,
    ) -> JSONDict:
        """Creates a room, or updates the room with that XC room ID
        (POST /v1/server/room/create_or_update). Safe to repeat: an upsert.

        Args:
            xc_room_id: (101) Your own ID for the room, 1 to 50 characters.
            room_type: (102) ``type``: 2 group, 4 transaction.
            name: (103) The room's name.
            photo_thumbnail_url: (104) URL of the room picture's thumbnail.
            photo_fullsize_url: (105) URL of the full-size room picture.
            tags: (106) Tags for the room.
            participant_xc_user_ids: (107) XC user IDs of the participants; used when the
                room is created, ignored on an update.
            participant_user_roles: (108) The participants' roles (sent as given).
            raw: return the whole envelope instead of raising on failure.

        Returns:
            ``data``: ``room``.
        """
        request = _fields((
            ("xcRoomID", xc_room_id), ("type", room_type), ("name", name),
            ("photoThumbnailURL", photo_thumbnail_url),
            ("photoFullsizeURL", photo_fullsize_url), ("tags", _list(tags)),
            ("participantXCUserIDs", _list(participant_xc_user_ids)),
            ("participantUserRoles", _list(participant_user_roles)),
        ))
        return self._call("powertalk_create_or_update_room", request, raw)

    def request_auth_ticket(
        self,
        *,
        user_ip_address: str,
        user_agent: str,
        user_platform: str,
        user_device_id: str,
        xc_user_id: str,
        full_name: str,
        email: Optional[str] = None,
        phone: Optional[str] = None,
        username: Optional[str] = None,
        photo_thumbnail_url: Optional[str] = None,
        photo_fullsize_url: Optional[str] = None,
        user_role_code: Optional[str] = None,
        raw: bool = False,
    ) -> JSONDict:
        """An auth ticket your user's app signs in with, valid one hour; the user is created
        or updated with the fields given (POST /v1/server/auth_ticket/request). Safe to
        repeat: a repeat only issues another ticket.

        Args:
            user_ip_address: (101) The user's IP address.
            user_agent: (102) The user's user agent.
            user_platform: (103) "android", "ios" or "web".
            user_device_id: The user's device ID.
            xc_user_id: Your own ID for the user.
            full_name: The user's full name.
            email, phone, username, photo_thumbnail_url, photo_fullsize_url, user_role_code:
                the user's details, as for :meth:`update_user`.
            raw: return the whole envelope instead of raising on failure.

        Returns:
            ``data``: ``ticket``.
        """
        request = _fields((
            ("userIPAddress", user_ip_address), ("userAgent", user_agent),
            ("userPlatform", user_platform), ("userDeviceID", user_device_id),
            ("xcUserID", xc_user_id), ("fullName", full_name), ("email", email),
            ("phone", phone), ("username", username),
            ("photoThumbnailURL", photo_thumbnail_url),
            ("photoFullsizeURL", photo_fullsize_url), ("userRoleCode", user_role_code),
        ))
        return self._call("powertalk_request_auth_ticket", request, raw)


def _payload(value: Any) -> Any:
    """PowerTalk ``data``: a string as it is; a mapping or sequence as the JSON it stands
    for (the library encodes it to the string the API wants)."""
    if value is None or isinstance(value, (str, dict, list)):
        return value
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, Sequence) and not isinstance(value, (bytes, bytearray)):
        return list(value)
    raise TypeError("data is a JSON string, a dict or a list")


def _list(items: Optional[Sequence[Any]]) -> Optional[List[Any]]:
    if items is None:
        return None
    if isinstance(items, (str, bytes)):
        raise TypeError("expected a list, not a string")
    return list(items)
