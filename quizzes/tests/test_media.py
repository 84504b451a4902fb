"""quizzes.media: what `store` keeps and refuses (item 6's bad files), metadata removed,
one copy per owner, the hashes texts reference, who may read a file, and media_gc."""

import hashlib
import io
import random
import struct
import zipfile
import zlib
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from PIL import Image

from quizzes import bank, media, operations
from quizzes.models import Question, QuestionVersion, Release
from quizzes.validation import clean_question

pytestmark = pytest.mark.django_db


# -- files made in the tests ------------------------------------------------------------
def image_bytes(kind="PNG", size=(4, 3), color="red", **save):
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, kind, **save)
    return out.getvalue()


def png_chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_bomb(side=30_000):
    """A square 1-bit PNG (`side` pixels wide) of zeros: about 110 KB that would decode to 112 MB."""
    compressor = zlib.compressobj(9)
    row = bytes(1 + side // 8)
    body = b"".join(compressor.compress(row) for _row in range(side)) + compressor.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (
        media.imagefiles.PNG_SIGNATURE
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", body)
        + png_chunk(b"IEND", b"")
    )


def noisy_png(side=64, **save):
    """A PNG of random pixels: it does not compress."""
    pixels = random.Random(side).randbytes(side * side * 3)
    out = io.BytesIO()
    Image.frombytes("RGB", (side, side), pixels).save(out, "PNG", **save)
    return out.getvalue()


def zip_bytes():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("a.txt", "hello")
    return out.getvalue()


def jpeg_with_gps():
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    exif.get_ifd(0x8825).update({1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 3.0)})
    return image_bytes("JPEG", size=(16, 16), color="blue", exif=exif.tobytes())


SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
    '<defs><linearGradient id="g"><stop offset="0" stop-color="red"/></linearGradient></defs>'
    '<rect width="10" height="10" fill="url(#g)"/></svg>'
)
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"

BAD_FILES = {
    "html renamed png": ("page.png", HTML, 415, "not an image of an allowed type"),
    "zip renamed jpg": ("photo.jpg", zip_bytes(), 415, "not an image of an allowed type"),
    "truncated png": ("cut.png", noisy_png()[:5000], 400, "damaged or incomplete"),
    "polyglot gif/js after its end": (
        "x.gif",
        image_bytes("GIF") + b"*/=alert(1)//",
        400,
        "data after the end of its image",
    ),
    "polyglot gif/js in a comment": (
        "x.gif",
        image_bytes("GIF", comment=b"*/=alert(1);/*"),
        400,
        "carries markup or script",
    ),
    "polyglot gif/js header": (
        "x.gif",
        b"GIF89a/*" + image_bytes("GIF")[8:],
        400,
        "also a script",
    ),
    "svg with script": (
        "x.svg",
        SVG.replace("</svg>", "<script>alert(1)</script></svg>").encode(),
        400,
        "the element <script> is not allowed",
    ),
    "svg with onload": (
        "x.svg",
        SVG.replace("<svg ", '<svg onload="alert(1)" ').encode(),
        400,
        "event attributes such as onload",
    ),
    "svg with an external href": (
        "x.svg",
        SVG.replace("</svg>", '<use href="https://evil.example/x.svg#a"/></svg>').encode(),
        400,
        "links outside the image",
    ),
    "svg with foreignObject": (
        "x.svg",
        SVG.replace("</svg>", "<foreignObject><p>hi</p></foreignObject></svg>").encode(),
        400,
        "<foreignObject> is not allowed",
    ),
    "svg with an entity": (
        "x.svg",
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x "y">]>' + SVG.encode(),
        400,
        "declares a DTD",
    ),
    "svg with a remote style": (
        "x.svg",
        SVG.replace('fill="url(#g)"', 'style="fill:url(https://evil.example/p)"').encode(),
        400,
        "references outside the image",
    ),
    "svg nested too deep": (
        "x.svg",
        SVG.replace("</svg>", "<g>" * 5000 + "</g>" * 5000 + "</svg>").encode(),
        400,
        "nests elements more than 200 deep",
    ),
    "empty": ("x.png", b"", 400, "empty"),
}


def stored_count():
    return media.files().count_documents({}), media.chunks().count_documents({})


# -- refusals -----------------------------------------------------------------------
@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_a_bad_file_is_refused_with_its_reason_and_nothing_stored(teacher, case):
    name, data, status, reason = BAD_FILES[case]
    with pytest.raises(media.MediaRefused) as refused:
        media.store(teacher, name, data)
    assert refused.value.status == status
    assert reason in refused.value.message
    assert stored_count() == (0, 0)


def test_a_decompression_bomb_is_refused_before_it_expands(teacher):
    bomb = png_bomb()
    assert len(bomb) < 200_000
    with pytest.raises(media.MediaRefused) as refused:
        media.store(teacher, "bomb.png", bomb)
    assert refused.value.status == 413
    assert "too many pixels: at most 50.0 megapixels" in refused.value.message
    assert stored_count() == (0, 0)


def test_a_file_over_the_size_limit_is_refused(teacher, settings):
    settings.MEDIA_MAX_BYTES = 1000
    with pytest.raises(media.MediaRefused) as refused:
        media.store(teacher, "big.png", noisy_png())
    assert (refused.value.status, stored_count()) == (413, (0, 0))
    assert "at most 0.0 MiB" in refused.value.message


def test_a_file_over_the_owners_quota_is_refused(teacher, other_teacher, settings):
    first, second = image_bytes(color="red"), image_bytes(color="green")
    settings.MEDIA_QUOTA_BYTES = len(first) + len(second) - 1
    media.store(teacher, "a.png", first)
    with pytest.raises(media.MediaRefused) as refused:
        media.store(teacher, "b.png", second)
    assert refused.value.status == 413
    assert "storage quota" in refused.value.message
    assert media.used_bytes(teacher.pk) == len(first)
    # Another teacher's quota is their own; the same bytes again take no room.
    media.store(other_teacher, "b.png", second)
    assert media.store(teacher, "again.png", first).name == "a.png"


# -- what is kept -------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["PNG", "GIF", "WEBP", "JPEG"])
def test_an_image_without_metadata_is_stored_byte_for_byte(teacher, kind):
    data = image_bytes(kind)
    stored = media.store(teacher, f"My picture.{kind}", data)
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert stored.size == len(data)
    assert stored.content_type == media.imagefiles.CONTENT_TYPES[media.imagefiles.sniff(data)]
    assert media.bucket().open_download_stream_by_name(stored.name).read() == data


def test_the_type_comes_from_the_bytes_not_the_name(teacher):
    stored = media.store(teacher, "../../photo.gif", image_bytes("PNG"))
    assert (stored.content_type, stored.name) == ("image/png", "photo.png")
    assert stored.url == f"/media/{stored.sha256}/photo.png"


def test_names_keep_their_letters_and_lose_the_rest(teacher):
    assert media.clean_name("Schéma électrique (v2).PNG", "png") == "Schéma-électrique-v2.png"
    assert media.clean_name('<img src=x onerror="a()">.svg', "svg") == "img-src-x-onerror-a.svg"
    assert media.clean_name("...", "gif") == "file.gif"
    assert media.clean_name("x" * 300, "webp") == "x" * 95 + ".webp"
    stored = media.store(teacher, "Schéma.png", image_bytes())
    assert stored.url == f"/media/{stored.sha256}/Sch%C3%A9ma.png"


def test_gps_and_camera_metadata_are_cut_out_of_a_jpeg_losslessly(teacher):
    data = jpeg_with_gps()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)
    stored = media.store(teacher, "holiday.jpg", data)
    kept = media.bucket().open_download_stream_by_name(stored.name).read()
    assert b"Exif" not in kept and b"PhoneMaker" not in kept
    assert not Image.open(io.BytesIO(kept)).getexif()
    assert Image.open(io.BytesIO(kept)).tobytes() == Image.open(io.BytesIO(data)).tobytes()
    assert stored.sha256 == hashlib.sha256(kept).hexdigest() and stored.size == len(kept)


def test_a_jpeg_keeps_its_orientation_alone(teacher):
    exif = Image.Exif()
    exif.update({0x010F: "PhoneMaker", 0x0112: 6})  # camera make; rotated a quarter turn
    exif.get_ifd(0x8825).update({1: "N", 2: (48.0, 51.0, 24.0)})
    data = image_bytes("JPEG", size=(16, 8), exif=exif.tobytes())
    stored = media.store(teacher, "turned.jpg", data)
    kept = media.bucket().open_download_stream_by_name(stored.name).read()
    assert b"PhoneMaker" not in kept
    assert dict(Image.open(io.BytesIO(kept)).getexif()) == {0x0112: 6}
    assert Image.open(io.BytesIO(kept)).tobytes() == Image.open(io.BytesIO(data)).tobytes()


def test_exif_is_cut_out_of_png_and_webp(teacher):
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    for kind in ("PNG", "WEBP"):
        data = image_bytes(kind, color="green", exif=exif.tobytes())
        assert b"PhoneMaker" in data
        stored = media.store(teacher, f"x.{kind}", data)
        kept = media.bucket().open_download_stream_by_name(stored.name).read()
        assert b"PhoneMaker" not in kept
        assert Image.open(io.BytesIO(kept)).tobytes() == Image.open(io.BytesIO(data)).tobytes()


def test_a_safe_svg_is_kept_without_comments_or_editor_parts(teacher):
    data = (
        '<?xml version="1.0"?><!-- made by hand --><?xml-stylesheet href="http://x/s.css"?>'
        + SVG.replace(
            "<svg ",
            '<svg xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" '
            'inkscape:version="1.3" ',
        ).replace("</svg>", "<metadata><rdf/></metadata><title>Square</title></svg>")
    ).encode()
    stored = media.store(teacher, "drawing.svg", data)
    kept = media.bucket().open_download_stream_by_name(stored.name).read().decode()
    assert stored.content_type == "image/svg+xml"
    assert "<title>Square</title>" in kept and 'fill="url(#g)"' in kept
    for gone in ("made by hand", "xml-stylesheet", "inkscape", "metadata"):
        assert gone not in kept


def test_the_same_bytes_are_stored_once_per_owner(teacher, other_teacher):
    data = image_bytes()
    first = media.store(teacher, "one.png", data)
    assert media.store(teacher, "two.png", data) == first
    media.store(other_teacher, "mine.png", data)
    assert stored_count() == (2, 2)


def test_a_large_file_takes_several_chunks(teacher, other_teacher):
    data = noisy_png(600)
    stored = media.store(teacher, "big.png", data)
    assert media.chunks().count_documents({}) == -(-len(data) // media.CHUNK_SIZE) > 1
    assert media.bucket().open_download_stream_by_name(stored.name).read() == data
    assert media.file_bytes(stored.sha256) == media.file_bytes(stored.sha256, teacher.pk) == data
    assert media.file_bytes(stored.sha256, other_teacher.pk) is None


# -- references ---------------------------------------------------------------------
SHA_A, SHA_B = "a" * 64, "b" * 64


def test_referenced_finds_relative_and_absolute_urls_in_markdown_and_html():
    text = (
        f"![x](/media/{SHA_A}/x.png) and "
        f'<img src="https://quiz.example/media/{SHA_B}/y.png"> /media/{"c" * 63}/short'
    )
    assert media.referenced(text) == {SHA_A, SHA_B}
    assert media.referenced("no media") == set()


def test_absolute_media_urls_are_made_on_a_base():
    html = f'<img src="/media/{SHA_A}/x.png"><a href="/other">'
    assert media.absolute_media_urls(html, "https://quiz.example/") == (
        f'<img src="https://quiz.example/media/{SHA_A}/x.png"><a href="/other">'
    )


def question_with(url, name="Picture"):
    return {
        "type": "truefalse",
        "name": name,
        "text": f"What is this? ![a picture]({url})",
        "answers": [{"text": "true", "fraction": 100}, {"text": "false", "fraction": 0}],
    }


def cleaned_question_with(url):
    return clean_question(question_with(url))


def test_questions_versions_and_releases_record_the_media_they_reference(teacher, make_quiz):
    stored = media.store(teacher, "x.png", image_bytes())
    quiz = make_quiz("With a picture", [question_with(stored.url)])
    question = Question.objects.get(owner=teacher)
    assert question.media == [stored.sha256]
    assert QuestionVersion.objects.get(question=question).media == [stored.sha256]
    release = operations.publish_quiz(quiz)
    assert Release.objects.get(pk=release.pk).media == [stored.sha256]
    bank.update_question(question, {"text": "No picture now"})
    assert Question.objects.get(pk=question.pk).media == []
    assert sorted(QuestionVersion.objects.values_list("number", "media")) == [
        (1, [stored.sha256]),
        (2, []),
    ]


def test_bulk_inserted_questions_record_their_media(teacher):
    category = bank.default_category(teacher, "Imported")
    (pk,) = bank.insert_questions(
        teacher, [category.pk], [cleaned_question_with(f"/media/{SHA_A}/x")]
    )
    question = Question.objects.get(pk=pk)
    assert question.media == [SHA_A] and bank.first_version(question).media == [SHA_A]
    bank.update_question(question, {"text": "No image now"}, teacher)
    assert sorted(QuestionVersion.objects.values_list("number", "media")) == [
        (1, [SHA_A]),
        (2, []),
    ]


# -- access -------------------------------------------------------------------------
def test_who_may_read_a_file(teacher, other_teacher, staff, make_quiz):
    from django.contrib.auth.models import AnonymousUser

    stored = media.store(teacher, "x.png", image_bytes())
    quiz = make_quiz("Draft", [question_with(stored.url)])
    readers = {"owner": teacher, "other": other_teacher, "staff": staff, "anyone": AnonymousUser()}
    assert {name for name, user in readers.items() if media.can_read(user, stored.sha256)} == {
        "owner",
        "staff",
    }
    operations.publish_quiz(quiz)
    assert all(media.can_read(user, stored.sha256) for user in readers.values())
    operations.set_status(quiz, "draft")
    assert not media.can_read(AnonymousUser(), stored.sha256)


def test_a_referenced_file_cannot_be_deleted(teacher, make_quiz):
    stored = media.store(teacher, "x.png", image_bytes())
    quiz = make_quiz("Quiz", [question_with(stored.url)])
    with pytest.raises(media.MediaInUse):
        media.delete(teacher, stored.sha256)
    operations.delete_quiz(quiz)  # the question stays in the bank, and its versions
    with pytest.raises(media.MediaInUse):
        media.delete(teacher, stored.sha256)
    bank.erase_questions([question.pk for question in Question.objects.all()])
    assert media.delete(teacher, stored.sha256)
    assert stored_count() == (0, 0)


# -- media_gc -----------------------------------------------------------------------
def test_media_gc_lists_then_deletes_what_nothing_references(teacher, make_quiz):
    used = media.store(teacher, "used.png", image_bytes(color="red"))
    unused = media.store(teacher, "unused.png", image_bytes(color="green"))
    make_quiz("Quiz", [question_with(used.url)])
    recent = media.store(teacher, "recent.png", image_bytes(color="blue"))
    long_ago = datetime.now(UTC) - timedelta(days=2)
    media.files().update_many({"_id": {"$ne": None}}, {"$set": {"uploadDate": long_ago}})
    media.files().update_one(
        {"metadata.sha256": recent.sha256}, {"$set": {"uploadDate": datetime.now(UTC)}}
    )
    out = io.StringIO()
    call_command("media_gc", stdout=out)
    listed = out.getvalue()
    assert unused.sha256 in listed and used.sha256 not in listed and recent.sha256 not in listed
    assert "1 unreferenced files" in listed and "--delete" in listed
    assert stored_count() == (3, 3)
    call_command("media_gc", "--delete", stdout=io.StringIO())
    assert sorted(media.files().distinct("metadata.sha256")) == sorted([used.sha256, recent.sha256])
    assert stored_count() == (2, 2)


@pytest.mark.parametrize("kind", ["PNG", "JPEG", "GIF", "WEBP"])
def test_damaged_images_are_refused_never_crash(teacher, kind):
    """Random bytes changed or cut in sound images: stored (sound after all) or refused."""
    rng = random.Random(kind)
    sound = image_bytes(kind, size=(24, 24), color="purple")
    for _ in range(150):
        data = bytearray(sound)
        for _flip in range(rng.randint(1, 4)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        if rng.random() < 0.3:
            data = data[: rng.randrange(12, len(data))]
        try:
            media.store(teacher, "x", bytes(data))
        except media.MediaRefused as refused:
            assert refused.status in (400, 413, 415)
