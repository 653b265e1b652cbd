"""The OneSignal adapter against a stand-in of its REST endpoint (httpx MockTransport): the request it makes,
and how it reads OneSignal's answers."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable

import httpx
import msgspec
import pytest

from loopin.adapters.push.logging import LoggingPushSender
from loopin.adapters.push.onesignal import OneSignalPushSender, PushNotSent
from loopin.entrypoints.di import make_container
from loopin.entrypoints.settings import Settings
from loopin.usecases.notifications.ports import Push, PushResult, PushSender

Handler = Callable[[httpx.Request], httpx.Response]


def sender(handler: Handler) -> OneSignalPushSender:
    return OneSignalPushSender("app-1", "rest-key", transport=httpx.MockTransport(handler))


async def test_the_request_names_the_app_the_subscriptions_and_the_text() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"id": "n-1"})

    push = sender(answer)
    result = await push.send(Push(("s-1", "s-2"), "You're in", "Asha accepted your request", {"event_id": "7"}))
    await push.close()
    assert result == PushResult(delivered=2)
    (request,) = seen
    assert (request.method, str(request.url)) == ("POST", "https://api.onesignal.com/notifications")
    assert request.headers["authorization"] == "Key rest-key"
    assert json.loads(request.content) == {
        "app_id": "app-1",
        "target_channel": "push",
        "include_subscription_ids": ["s-1", "s-2"],
        "headings": {"en": "You're in"},
        "contents": {"en": "Asha accepted your request"},
        "data": {"event_id": "7"},
    }


async def test_a_notification_key_becomes_a_stable_uuid_idempotency_key() -> None:
    """OneSignal drops a second create with the same key (kept 30 days): a retried job pushes once."""
    bodies: list[dict[str, object]] = []

    def answer(request: httpx.Request) -> httpx.Response:
        bodies.append(json.loads(request.content))
        return httpx.Response(200, json={"id": "n-1"})

    push = sender(answer)
    for key in ("notification:a", "notification:a", "notification:b"):
        await push.send(Push(("s-1",), "t", "b", {}, idempotency_key=key))
    await push.close()
    first, again, other = (str(b["idempotency_key"]) for b in bodies)
    assert first == again != other
    assert uuid.UUID(first).version == 5


@pytest.mark.parametrize(
    ("errors", "invalid"),
    [
        ({"invalid_player_ids": ["s-2"]}, ("s-2",)),
        ({"invalid_subscription_ids": ["s-1", "unknown"]}, ("s-1",)),
        (["All included players are not subscribed"], ("s-1", "s-2")),
        (["Some other remark"], ()),
    ],
)
async def test_unknown_subscriptions_come_back_for_retirement(errors: object, invalid: tuple[str, ...]) -> None:
    push = sender(lambda _: httpx.Response(200, json={"id": "", "errors": errors}))
    result = await push.send(Push(("s-1", "s-2"), "t", "b", {}))
    await push.close()
    assert result == PushResult(delivered=2 - len(invalid), invalid_player_ids=invalid)


@pytest.mark.parametrize(
    "handler",
    [
        lambda _: httpx.Response(503, json={"errors": ["busy"]}),
        lambda _: httpx.Response(400, json={"errors": ["bad"]}),
        lambda _: httpx.Response(200, content=b"<html>"),
    ],
)
async def test_provider_failures_raise_so_the_job_retries(handler: Handler) -> None:
    push = sender(handler)
    with pytest.raises(PushNotSent):
        await push.send(Push(("s-1",), "t", "b", {}))
    await push.close()


async def test_a_network_failure_raises_so_the_job_retries() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    push = sender(refuse)
    with pytest.raises(PushNotSent):
        await push.send(Push(("s-1",), "t", "b", {}))
    await push.close()


async def test_nobody_to_push_to_makes_no_request() -> None:
    def fail(_: httpx.Request) -> httpx.Response:
        raise AssertionError("no request expected")

    push = sender(fail)
    assert await push.send(Push((), "t", "b", {})) == PushResult(delivered=0)
    await push.close()


@pytest.mark.parametrize(
    ("app_id", "key", "kind"), [("app-1", "k", OneSignalPushSender), (None, "k", LoggingPushSender)]
)
async def test_settings_choose_the_push_adapter(
    memory_settings: Settings, app_id: str | None, key: str | None, kind: type
) -> None:
    settings = msgspec.structs.replace(memory_settings, onesignal_app_id=app_id, onesignal_api_key=key)
    container = make_container(settings)
    try:
        async with container() as scope:
            assert isinstance(await scope.get(PushSender), kind)
    finally:
        await container.close()
