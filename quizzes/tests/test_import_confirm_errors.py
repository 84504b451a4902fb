"""Confirming an import preview: only a bad signature is an expired preview, a bug is a bug."""

import pytest
from django.urls import reverse

from quizzes.tests.test_transfer_ui import PAYLOAD, page_text, stored, upload
from quizzes.views import transfer

pytestmark = pytest.mark.django_db


def previewed(client):
    """The signed payload of a previewed one-question GIFT file."""
    preview = client.post(reverse("quiz_import"), {"file": upload("a.gift", "::Q::x {T}")})
    return PAYLOAD.search(preview.content.decode()).group(1)


@pytest.mark.parametrize("bug", [KeyError("answers"), ValueError("not a number")])
def test_a_parser_bug_is_not_reported_as_an_expired_preview(owner_client, monkeypatch, bug):
    payload = previewed(owner_client)

    def broken_import(*args, **kwargs):
        raise bug

    monkeypatch.setattr(transfer, "import_file", broken_import)
    with pytest.raises(type(bug)):
        owner_client.post(reverse("quiz_import_confirm"), {"payload": payload})


def test_an_expired_preview_imports_nothing_and_says_so(owner_client, monkeypatch):
    payload = previewed(owner_client)
    monkeypatch.setattr(transfer, "PREVIEW_MAX_AGE", -1)
    response = owner_client.post(reverse("quiz_import_confirm"), {"payload": payload})
    assert response.status_code == 400
    assert "expired or was altered" in page_text(response)
    assert stored() == (0, 0)
