"""``/api/events``, ``/api/events/venues``, ``/api/public`` and ``/api/hosts``: events as the app reads them,
one module per resource (the feed and its events, venues, public pages, host leads).

Event times on the wire (``start_time``, ``end_time``) are the event's local wall-clock time without an
offset, because the app shows timestamps without converting them; ``start_time_utc``/``end_time_utc`` and
``timezone`` carry the exact instant for other clients.
"""
