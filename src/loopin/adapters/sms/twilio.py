"""Twilio Messages API over its async HTTP client."""

from __future__ import annotations

from twilio.base.exceptions import TwilioException
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.rest import Client

from loopin.adapters.sms.errors import SmsNotSent
from loopin.domain.identity.phone import PhoneNumber
from loopin.usecases.identity.ports import SmsSender


class TwilioSmsSender(SmsSender):
    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        *,
        from_number: str | None = None,
        messaging_service_sid: str | None = None,
        http_client: AsyncTwilioHttpClient | None = None,
    ) -> None:
        if not (from_number or messaging_service_sid):
            raise ValueError("Twilio needs a sender: a from number or a messaging service sid")
        self._http = http_client or AsyncTwilioHttpClient(timeout=10)
        self._client = Client(account_sid, auth_token, http_client=self._http)
        self._sender = (
            {"messaging_service_sid": messaging_service_sid} if messaging_service_sid else {"from_": from_number}
        )

    async def send(self, to: PhoneNumber, body: str) -> None:
        try:
            await self._client.messages.create_async(to=to.e164, body=body, **self._sender)
        except (TwilioException, OSError) as exc:
            raise SmsNotSent() from exc

    async def close(self) -> None:
        await self._http.close()
