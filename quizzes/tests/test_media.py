"""quizzes.media: what store keeps, refuses and dedupes; references; access; collection."""

import io

import pytest
from PIL import Image

from quizzes import media


def png_bytes(size=(4, 3), color="red", **save):
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG", **save)
    return out.getvalue()


def test_a_clean_png_is_stored_byte_for_byte(teacher):
    data = png_bytes()
    stored = media.store(teacher, "My picture.PNG", data)
    assert stored.content_type == "image/png"
    assert stored.name == "My-picture.png"
    assert stored.url == f"/media/{stored.sha256}/My-picture.png"
    out = media.bucket().open_download_stream_by_name("My-picture.png").read()
    assert out == data
