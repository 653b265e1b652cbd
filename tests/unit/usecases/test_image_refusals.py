"""Profile pictures and event covers refuse an upload in one wording (ImageRefusal.words), each with its noun."""

from __future__ import annotations

from loopin.adapters.storage.images import MagicBytesImageInspector
from loopin.domain.events.problems import Problems
from loopin.domain.shared.errors import FieldProblem
from loopin.usecases.events.config import EventsConfig
from loopin.usecases.events.covers import check_covers
from loopin.usecases.identity.config import IdentityConfig
from loopin.usecases.identity.pictures import check_pictures
from loopin.usecases.platform.files import UploadedFile
from tests.support import png_bytes

INSPECTOR = MagicBytesImageInspector()
LIMIT = 1536 * 1024  # 1.5 MB: not a whole number of megabytes
UPLOADS = [UploadedFile("big.png", png_bytes(LIMIT)), UploadedFile("page.png", b"%PDF-1.7" + b"\0" * 300)]


def test_pictures_and_covers_word_a_refusal_alike() -> None:
    picture_problems: list[FieldProblem] = []
    check_pictures(UPLOADS, INSPECTOR, IdentityConfig(picture_max_bytes=LIMIT), picture_problems)
    cover_problems = Problems()
    check_covers(UPLOADS, INSPECTOR, EventsConfig(cover_max_bytes=LIMIT), cover_problems)
    assert [p.message for p in picture_problems] == [
        "Picture 1 is larger than 1.5 MB",
        "Picture 2 is not a JPEG, PNG or WebP image",
    ]
    assert [p.message for p in cover_problems.items] == [
        "Cover image 1 is larger than 1.5 MB",
        "Cover image 2 is not a JPEG, PNG or WebP image",
    ]
