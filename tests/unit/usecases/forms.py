"""What the app sends to create an event, as test data."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from loopin.domain.events.place import PlaceInput
from loopin.usecases.events.create import EventForm
from loopin.usecases.platform.files import UploadedFile
from tests.support import Fakes, png_bytes


def start_in(fakes: Fakes, days: int = 3, second: int = 0) -> str:
    """What the app sends: local (IST) midnight of a coming day, in UTC with ``Z``."""
    day = (fakes.clock.now() + timedelta(days=days)).date()
    return f"{day - timedelta(days=1)}T18:30:{second % 60:02d}.000Z"


def event_input(fakes: Fakes, member_id: int, **fields: Any) -> dict[str, Any]:
    """The arguments of ``CreateEvent`` as the app would send them, with ``fields`` changed."""
    place = {
        "venue_name": "Carter Road Amphitheatre",
        "address": "Carter Road, Bandra West, Mumbai, Maharashtra 400050, India",
        "city": "Carter Road Amphitheatre",
        "latitude": "19.0658",
        "longitude": "72.8226",
        "place_id": "place-carter-road",
        "country_code": "IN",
    }
    for key in list(place):
        if key in fields:
            place[key] = fields.pop(key)
    values: dict[str, Any] = {
        "title": "Sunset Jam Session",
        "description": "Bring your guitar.",
        "start_time": start_in(fakes),
        "duration_hours": "3.0",
        "max_capacity": "40",
        "is_paid": "false",
        "ticket_price": "0.0",
        "allow_plus_one": "true",
        "gst_number": "",
        "allowed_genders": "all",
        "status": "draft",
        "is_public": "true",
        "event_interest_ids": "[]",
    }
    values.update(fields)
    return {"member_id": member_id, "form": EventForm(place=PlaceInput(**place), **values)}


def cover(n: int = 0) -> UploadedFile:
    return UploadedFile(f"cover{n}.png", png_bytes(200 + n))
