"""The app's controller: its handlers take their use cases as ``FromDishka[...]`` parameters, injected from the
request's dishka scope without an ``@inject`` on every handler."""

from __future__ import annotations

from typing import Any

from dishka.integrations.litestar import inject
from litestar import Controller
from litestar.handlers import HTTPRouteHandler

from loopin.entrypoints.http.auth import CALLER


class LoopinController(Controller):
    """Wraps each handler the subclass declares in dishka's ``inject`` once, when the class is defined (dishka's
    own ``DishkaRouter`` wraps the class again for every application built, and tests build hundreds).
    A handler's ``caller: Caller`` is the signed-in member's id (``auth.CALLER``)."""

    dependencies = CALLER

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for handler in vars(cls).values():
            if isinstance(handler, HTTPRouteHandler):
                handler(inject(handler.fn))
