"""``/api/events/...`` attendance calls as the app makes them, one module per resource: join requests,
invitations, confirmation and tickets, and the host's door (with ``/api/attendances``).

Event times (``event_start_time``, ``event_end_time``) are the event's local wall-clock time without an offset,
like the events routes, because the app shows timestamps without converting them; every other timestamp is
UTC with ``Z``. ``my-invitations`` and ``my-tickets`` are top-level arrays (the app's raw-http readers want
exactly that); everything else is an object. Static paths (``my-requests``, ``my-tickets``, ``users/search``…)
never reach ``/{event_id:int}``.
"""
