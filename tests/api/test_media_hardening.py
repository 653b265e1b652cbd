"""Files under /api/media: a 404 says nothing about the server's disk, and nothing uploaded can be rendered as a
page (an image that is also HTML is still served as an image, never sniffed, sandboxed)."""

from __future__ import annotations

from pathlib import Path

from litestar.testing import AsyncTestClient

from loopin.entrypoints.settings import Settings
from tests.api.flows import assert_error, bearer, profile_form, sign_in
from tests.support import Fakes, png_bytes

POLYGLOT = png_bytes() + b"<html><body><script>alert(document.domain)</script></body></html>"


async def test_a_missing_file_or_folder_is_a_plain_404(api: AsyncTestClient, service_settings: Settings) -> None:
    folder = Path(service_settings.media_root) / "members"
    folder.mkdir(parents=True, exist_ok=True)
    for path in ("/api/media/members", "/api/media/members/", "/api/media/nothing/here.png", "/api/media/x/../.."):
        response = await api.get(path)
        body = assert_error(response, 404, "NOT_FOUND")
        assert str(Path(service_settings.media_root).resolve()) not in response.text, body
        assert service_settings.media_root not in response.text, body
        assert body["detail"] == "Not found."


async def test_an_image_that_is_also_html_is_never_rendered_as_a_page(api: AsyncTestClient, fakes: Fakes) -> None:
    headers = bearer(str((await sign_in(api, fakes))["token"]))
    uploaded = await api.post(
        "/api/auth/complete-profile",
        headers=headers,
        data=profile_form(),
        files=[("profile_pictures", ("page.html", POLYGLOT, "text/html"))],
    )
    assert uploaded.status_code == 200, uploaded.text
    (url,) = (await api.get("/api/auth/profile", headers=headers)).json()["profile_pictures"]
    assert url.endswith(".png")
    served = await api.get(url)
    assert served.status_code == 200
    assert served.content == POLYGLOT
    assert served.headers["content-type"] == "image/png"
    assert served.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in served.headers["content-security-policy"]
    assert "default-src 'none'" in served.headers["content-security-policy"]
    assert served.headers["content-disposition"].startswith("inline")


async def test_every_answer_forbids_content_sniffing(api: AsyncTestClient) -> None:
    for path in ("/health", "/api/auth/profile", "/api/docs/openapi.json", "/nowhere"):
        response = await api.get(path)
        assert response.headers["x-content-type-options"] == "nosniff", path
