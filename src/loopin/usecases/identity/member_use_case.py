"""The base of the use cases a signed-in member runs.

No ``from __future__ import annotations``, for the reason ``loopin.usecases.shared.use_case`` gives.
"""

from loopin.usecases.identity.access import MemberAccess
from loopin.usecases.shared.use_case import UseCase


class MemberUseCase(UseCase):
    """A use case run for a signed-in member (staff are members too): ``access`` loads the caller and admits
    them, or refuses, before anything else happens."""

    access: MemberAccess
