from __future__ import annotations

from loopin.domain.shared.errors import Unavailable


class SmsNotSent(Unavailable, code="SMS_NOT_SENT", message="We could not send the SMS. Please try again."): ...
