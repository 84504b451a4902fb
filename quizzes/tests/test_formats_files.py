"""Files in Moodle XML and OpenQuizz JSON: imported into GridFS, written back.

Moodle's question/format/xml/format.php: import_files_as_draft reads every
<file name= path= encoding="base64"> of a text element and the text's
"@@PLUGINFILE@@/<path><name>" links point at it; write_files writes a text's
files after its <text>, linked as "@@PLUGINFILE@@/<name>". The cases below
are those of its tests (question text, answers, feedback, hints; a file in a
folder), with images, the only files OpenQuizz keeps.
"""

import base64
import datetime
import hashlib
import io
import json
import re
from urllib.parse import quote

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from quizzes import bank, media, operations
from quizzes.formats import FormatError, parse, write, write_warnings
from quizzes.formats.files import FILES_KEY
from quizzes.formats.store import import_file
from quizzes.formats.web import EXPORT_WARNING
from quizzes.models import Question
from quizzes.tests.fixtures.samples import fixture
from quizzes.tests.test_formats_schema import validator as schema_validator


def png(colour=(200, 30, 30), size=(3, 2)):
    """The bytes of a small PNG (no metadata: stored byte for byte)."""
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


PNG = png()
OTHER_PNG = png((10, 120, 200))
HTML_AS_PNG = b"<!doctype html><html><body>not an image</body></html>"


def refused_note(name, reason=None):
    reason = reason or (
        "This file is not an image of an allowed type (PNG, JPEG, GIF, WebP or SVG)."
    )
    return f"the file “{name}” is not imported, its links show its name: {reason}"


def refused_file(warning):
    return "is not imported, its links show its name" in warning


def without_files(quizzes):
    """Parsed quizzes without the files waiting with their questions."""
    return [
        {
            **quiz,
            "questions": [
                {k: v for k, v in q.items() if k != FILES_KEY} for q in quiz["questions"]
            ],
        }
        for quiz in quizzes
    ]


def b64(data):
    return base64.b64encode(data).decode()


def file_element(name, data, path="/"):
    return f'<file name="{name}" path="{path}" encoding="base64">{b64(data)}</file>'


def url(data, name):
    return media.media_url(hashlib.sha256(data).hexdigest(), name)


MOODLE_WITH_FILES = f"""<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="multichoice">
    <name><text>Flags</text></name>
    <questiontext format="html">
      <text><![CDATA[<p>Which flag? <img src="@@PLUGINFILE@@/flag.png" alt="flag"></p>]]></text>
      {file_element("flag.png", PNG)}
    </questiontext>
    <generalfeedback format="html">
      <text><![CDATA[<img src="@@PLUGINFILE@@/sub/dir/my%20map.png">]]></text>
      {file_element("my map.png", OTHER_PNG, "/sub/dir/")}
    </generalfeedback>
    <defaultgrade>1.0000000</defaultgrade>
    <penalty>0.3333333</penalty>
    <hidden>0</hidden>
    <single>true</single>
    <shuffleanswers>true</shuffleanswers>
    <answernumbering>abc</answernumbering>
    <answer fraction="100" format="html">
      <text><![CDATA[<img src="@@PLUGINFILE@@/red.png">]]></text>
      {file_element("red.png", PNG)}
      <feedback format="html">
        <text><![CDATA[Yes <img src="@@PLUGINFILE@@/blue.png?time=1700000000">]]></text>
        {file_element("blue.png", OTHER_PNG)}
      </feedback>
    </answer>
    <answer fraction="0" format="html">
      <text><![CDATA[<img src="@@PLUGINFILE@@/page.png">]]></text>
      {file_element("page.png", HTML_AS_PNG)}
      <feedback format="html"><text>No</text></feedback>
    </answer>
    <hint format="html">
      <text><![CDATA[Look <img src="@@PLUGINFILE@@/flag.png">]]></text>
      {file_element("flag.png", PNG)}
    </hint>
  </question>
</quiz>
"""


def test_every_text_element_s_files_are_linked_to_their_stored_urls():
    result = parse(MOODLE_WITH_FILES, format="moodlexml")
    (question,) = result.quizzes[0]["questions"]
    assert question["text"] == f'<p>Which flag? <img src="{url(PNG, "flag.png")}" alt="flag"></p>'
    assert question["general_feedback"] == f'<img src="{url(OTHER_PNG, "my-map.png")}">'
    right, wrong = question["answers"]
    assert right["text"] == f'<img src="{url(PNG, "red.png")}">'
    assert right["feedback"] == f'Yes <img src="{url(OTHER_PNG, "blue.png")}">'
    assert wrong["text"] == '<img src="page.png">'  # refused: its name
    assert question["hints"][0]["text"] == f'Look <img src="{url(PNG, "flag.png")}">'
    assert result.warnings == [f"question 1 (line 3): {refused_note('page.png')}"]
    assert sorted(question[FILES_KEY]) == sorted(
        hashlib.sha256(data).hexdigest() for data in (PNG, OTHER_PNG)
    )


def test_a_link_to_a_file_the_question_does_not_hold_is_kept_with_a_note():
    xml = MOODLE_WITH_FILES.replace("@@PLUGINFILE@@/red.png", "@@PLUGINFILE@@/missing.png")
    result = parse(xml, format="moodlexml")
    question = result.quizzes[0]["questions"][0]
    assert question["answers"][0]["text"] == '<img src="@@PLUGINFILE@@/missing.png">'
    assert (
        "question 1 (line 3): a link to the file “missing.png”, which the question does not "
        "hold, is left as is"
    ) in result.warnings


def stored_count(owner):
    return media.files().count_documents({"metadata.owner": owner.pk})


@pytest.mark.django_db(transaction=True)
def test_import_stores_the_files_once_and_the_export_writes_them_back(teacher):
    imported = import_file(teacher, MOODLE_WITH_FILES.encode(), format="moodlexml")
    assert stored_count(teacher) == 2
    assert any(refused_file(w) for w in imported.result.warnings)
    question = Question.objects.get(owner=teacher)
    assert sorted(question.media) == sorted(
        hashlib.sha256(data).hexdigest() for data in (PNG, OTHER_PNG)
    )
    (quiz,) = imported.quizzes
    content = write(operations.quiz_data(quiz), "moodlexml")[0].decode()
    written = re.findall(r'<file name="([^"]+)" path="/" encoding="base64">([^<]+)</file>', content)
    # Moodle's write_files: each text's own files, byte for byte.
    assert [(name, base64.b64decode(data)) for name, data in written] == [
        ("flag.png", PNG), ("my-map.png", OTHER_PNG), ("red.png", PNG),
        ("blue.png", OTHER_PNG), ("flag.png", PNG),
    ]  # fmt: skip
    assert '<img src="@@PLUGINFILE@@/flag.png" alt="flag">' in content
    assert "/media/" not in content
    # Exported, imported again: the same files, nothing stored twice.
    again = import_file(teacher, content.encode(), format="moodlexml")
    assert stored_count(teacher) == 2
    assert again.result.warnings == []
    second = Question.objects.filter(owner=teacher).exclude(pk=question.pk).get()
    assert second.text == question.text
    assert second.answers[0].feedback == question.answers[0].feedback


@pytest.mark.django_db(transaction=True)
def test_a_failed_import_leaves_no_file(teacher, monkeypatch):
    """A file read whole is stored in one transaction, its files with its questions."""
    broken = MOODLE_WITH_FILES.replace("</quiz>", '<question type="essay"><name><text>x')
    with pytest.raises(FormatError):
        import_file(teacher, broken.encode(), format="moodlexml")

    def failing(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(bank, "insert_prepared", failing)
    with pytest.raises(RuntimeError):
        import_file(teacher, MOODLE_WITH_FILES.encode(), format="moodlexml")
    assert stored_count(teacher) == 0


@pytest.mark.django_db(transaction=True)
def test_old_image_base64_is_stored_and_shown(teacher):
    xml = f"""<quiz><question type="shortanswer"><name><text>Old</text></name>
<questiontext><text>Which?</text></questiontext><image>pics/old.png</image>
<image_base64>{b64(PNG)}</image_base64>
<answer fraction="100"><text>a</text></answer></question></quiz>"""
    imported = import_file(teacher, xml.encode(), format="moodlexml")
    question = Question.objects.get(owner=teacher)
    assert question.text == f'Which? <img src="{url(PNG, "pics_old.png")}" />'
    assert imported.result.warnings == []
    assert media.file_bytes(hashlib.sha256(PNG).hexdigest(), teacher.pk) == PNG


def test_names_in_links_are_url_encoded_on_export():
    assert quote("my map.png", safe="") == "my%20map.png"


# -- OpenQuizz JSON ----------------------------------------------------------------------
def exported_json(quiz):
    return json.loads(write(operations.quiz_data(quiz), "json")[0])


@pytest.mark.django_db(transaction=True)
def test_json_carries_the_files_and_round_trips_losslessly(teacher, other_teacher):
    (quiz,) = import_file(teacher, MOODLE_WITH_FILES.encode(), format="moodlexml").quizzes
    document = exported_json(quiz)
    schema_validator().validate(document)
    assert sorted(
        (f["sha256"], f["content_type"], base64.b64decode(f["data"])) for f in document["files"]
    ) == sorted((hashlib.sha256(data).hexdigest(), "image/png", data) for data in (PNG, OTHER_PNG))
    content = json.dumps(document).encode()
    # The same teacher: nothing stored twice; another: their own copy of the same bytes.
    (mine,) = import_file(teacher, content, format="json").quizzes
    assert stored_count(teacher) == 2
    (theirs,) = import_file(other_teacher, content, format="json").quizzes
    assert stored_count(other_teacher) == 2
    for again in (mine, theirs):
        assert exported_json(again)["files"] == document["files"]
        assert (
            exported_json(again)["quizzes"][0]["questions"] == document["quizzes"][0]["questions"]
        )


def test_json_links_follow_a_file_whose_bytes_differ_from_its_sha256():
    stale = "0" * 64
    document = {
        "format_version": 1,
        "quizzes": [
            {
                "title": "T",
                "questions": [
                    {
                        "type": "essay",
                        "name": "E",
                        "text": f'![map](/media/{stale}/map.png) and <img src="/media/{"1" * 64}/x.png">',
                    }
                ],
            }
        ],
        "files": [
            {"sha256": stale, "name": "map.png", "data": b64(PNG)},
            {"sha256": "1" * 64, "name": "x.png", "data": b64(HTML_AS_PNG)},
        ],
    }
    result = parse(json.dumps(document), format="json")
    (question,) = result.quizzes[0]["questions"]
    assert question["text"] == f'![map]({url(PNG, "map.png")}) and <img src="x.png">'
    assert list(question[FILES_KEY]) == [hashlib.sha256(PNG).hexdigest()]
    assert [refused_file(w) for w in result.warnings] == [True]


# -- GIFT: links to the site, a warning ----------------------------------------------------
@pytest.fixture
def quiz_with_images(teacher):
    """The teacher's quiz imported from MOODLE_WITH_FILES (two images stored)."""
    (quiz,) = import_file(teacher, MOODLE_WITH_FILES.encode(), format="moodlexml").quizzes
    return quiz


GIFT_WARNING = "Moodle GIFT cannot carry files: 2 images are linked to this site."


@pytest.mark.django_db(transaction=True)
def test_gift_links_to_the_site_and_warns(quiz_with_images):
    data = operations.quiz_data(quiz_with_images)
    # GIFT escapes its ":" ("https\\://"), and its import reads them back.
    content = write(data, "gift", "https://quiz.example.org/")[0].decode().replace("\\:", ":")
    assert f"https://quiz.example.org{url(PNG, 'flag.png')}" in content
    assert content.count("/media/") == content.count("https://quiz.example.org/media/") > 0
    assert write_warnings(data, "gift") == [GIFT_WARNING]
    assert write_warnings(data, "moodlexml") == write_warnings(data, "json") == []


@pytest.mark.django_db(transaction=True)
def test_exports_over_http_say_what_gift_leaves_behind(quiz_with_images, owner_client, api):
    api_export = f"/api/v1/quizzes/{quiz_with_images.pk}/export/?format="
    response = api.get(api_export + "gift")
    assert response.status_code == 200
    assert response[EXPORT_WARNING] == GIFT_WARNING
    assert f"http\\://testserver{url(PNG, 'flag.png')}" in response.content.decode()
    response = api.get(api_export + "moodlexml")
    assert EXPORT_WARNING not in response
    assert base64.b64encode(PNG).decode() in response.content.decode()
    page = reverse("quiz_export", args=[quiz_with_images.pk, "gift"])
    response = owner_client.get(page)
    assert response[EXPORT_WARNING] == GIFT_WARNING
    assert [str(m) for m in get_messages(response.wsgi_request)] == [GIFT_WARNING]


@pytest.mark.django_db(transaction=True)
def test_export_commands_take_the_site_s_address(quiz_with_images, teacher):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "export_quizzes", owner="teacher", format="gift", base_url="https://q.example",
        stdout=out, stderr=err,
    )  # fmt: skip
    assert f"https\\://q.example{url(PNG, 'flag.png')}" in out.getvalue()
    assert GIFT_WARNING in err.getvalue()
    out, err = io.StringIO(), io.StringIO()
    call_command("export_bank", owner="teacher", format="moodlexml", stdout=out, stderr=err)
    assert base64.b64encode(OTHER_PNG).decode() in out.getvalue()
    assert err.getvalue() == ""


@pytest.mark.django_db(transaction=True)
def test_api_import_stores_the_files_and_reports_the_refused_one(teacher, api):
    upload = SimpleUploadedFile("Flags.xml", MOODLE_WITH_FILES.encode())
    response = api.post("/api/v1/quizzes/import/", {"file": upload}, format="multipart")
    assert response.status_code == 201, response.content
    assert [refused_file(w) for w in response.json()["warnings"]] == [True]
    assert stored_count(teacher) == 2
    (quiz,) = response.json()["quizzes"]
    exported = api.get(f"/api/v1/quizzes/{quiz['id']}/export/?format=json").json()
    assert sorted(base64.b64decode(f["data"]) for f in exported["files"]) == sorted(
        [PNG, OTHER_PNG]
    )


# -- Moodle's own fixture, byte for byte ---------------------------------------------------
def moodle_files(xml):
    """{name: bytes} of the <file>s of a Moodle XML document."""
    return {
        name: base64.b64decode(data)
        for name, data in re.findall(r'<file name="([^"]+)"[^>]*>([^<]+)</file>', xml)
    }


@pytest.mark.django_db(transaction=True)
def test_moodle_s_fixture_keeps_its_images_byte_for_byte(teacher):
    """multianswer.xml (Moodle's behat fixture, real PNGs): import → export → import."""
    original = fixture("moodle/multianswer.xml")
    text = original.decode() if isinstance(original, bytes) else original
    (quiz,) = import_file(teacher, original, format="moodlexml").quizzes
    count = stored_count(teacher)
    assert count == len(set(moodle_files(text).values())) > 0
    content = write(operations.quiz_data(quiz), "moodlexml")[0].decode()
    assert moodle_files(content) == moodle_files(text)
    assert set(re.findall(r"@@PLUGINFILE@@/[^\"']+", content)) == set(
        re.findall(r"@@PLUGINFILE@@/[^\"']+", text)
    )
    import_file(teacher, content.encode(), format="moodlexml")
    assert stored_count(teacher) == count


# -- staged imports: the files of each batch in its transaction ----------------------------
def question_with_image(number, data):
    return f"""<question type="essay"><name><text>Q{number}</text></name>
<questiontext format="html"><text><![CDATA[<img src="@@PLUGINFILE@@/q{number}.png">]]></text>
{file_element(f"q{number}.png", data)}</questiontext></question>"""


IMAGES = [png((number * 40, 0, 0)) for number in range(1, 4)]
STAGED = "<quiz>" + "".join(question_with_image(n, d) for n, d in enumerate(IMAGES)) + "</quiz>"


@pytest.mark.django_db(transaction=True)
def test_a_staged_import_stores_each_batch_s_files(teacher, settings):
    settings.OPENQUIZZ_IMPORT_BATCH = 1
    imported = import_file(teacher, STAGED.encode(), format="moodlexml")
    assert imported.staged
    assert stored_count(teacher) == 3
    for question in Question.objects.filter(owner=teacher):
        (sha256,) = question.media
        assert media.file_bytes(sha256, teacher.pk) in IMAGES


@pytest.mark.django_db(transaction=True)
def test_a_staged_import_failing_midway_leaves_its_files_to_media_gc(
    teacher, settings, monkeypatch
):
    """The batch that fails stores nothing; the files of the batches before stay, referenced
    by nothing once the staged questions are gone: media_gc's to collect."""
    settings.OPENQUIZZ_IMPORT_BATCH = 1
    insert, calls = bank.insert_prepared, []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk on fire")
        return insert(*args, **kwargs)

    monkeypatch.setattr(bank, "insert_prepared", failing)
    with pytest.raises(RuntimeError):
        import_file(teacher, STAGED.encode(), format="moodlexml")
    assert not Question.objects.filter(owner=teacher).exists()
    left = media.unreferenced(timezone.now() + datetime.timedelta(seconds=1))
    assert [doc["metadata"]["sha256"] for doc in left] == [hashlib.sha256(IMAGES[0]).hexdigest()]


@pytest.mark.django_db(transaction=True)
def test_the_ui_preview_stores_nothing_and_its_confirmation_stores_the_files(teacher, owner_client):
    upload = SimpleUploadedFile("Flags.xml", MOODLE_WITH_FILES.encode())
    preview = owner_client.post(reverse("quiz_import"), {"file": upload})
    assert preview.status_code == 200
    assert "page.png" in preview.content.decode()  # the refused file's note
    assert stored_count(teacher) == 0
    payload = re.search(r'name="payload" value="([^"]+)"', preview.content.decode()).group(1)
    response = owner_client.post(reverse("quiz_import_confirm"), {"payload": payload})
    assert response.status_code == 302
    assert stored_count(teacher) == 2


@pytest.mark.django_db(transaction=True)
def test_files_over_the_owner_s_quota_refuse_the_import_writing_nothing(teacher, settings, api):
    settings.MEDIA_QUOTA_BYTES = len(PNG) + 1
    with pytest.raises(FormatError, match="cannot be stored: Your files would exceed"):
        import_file(teacher, MOODLE_WITH_FILES.encode(), format="moodlexml")
    upload = SimpleUploadedFile("Flags.xml", MOODLE_WITH_FILES.encode())
    response = api.post("/api/v1/quizzes/import/", {"file": upload}, format="multipart")
    assert response.status_code == 400
    assert stored_count(teacher) == 0
    assert not Question.objects.filter(owner=teacher).exists()


@pytest.mark.django_db(transaction=True)
def test_an_export_carries_only_the_files_its_owner_may_read(quiz_with_images, other_teacher):
    """Another teacher who links to the teacher's private image exports its link, not its
    bytes; the teacher's own export carries it."""
    mine = Question.objects.filter(owner=quiz_with_images.owner).first()
    theirs = operations.create_quiz(
        other_teacher,
        {"title": "Borrowed"},
        [{"type": "description", "name": "D", "text": mine.text, "text_format": "html"}],
    )
    content = write(operations.quiz_data(theirs), "moodlexml", owner=other_teacher)[0].decode()
    assert "<file" not in content and "/media/" in content
    content = write(operations.quiz_data(theirs), "moodlexml", owner=quiz_with_images.owner)[0]
    assert b"<file" in content


@pytest.mark.parametrize(
    "entry",
    [
        {"sha256": "ABC", "name": "a.png", "data": "iVBO"},
        {"sha256": "a" * 64, "data": "iVBO"},
        {"sha256": "a" * 64, "name": "a.png", "data": "iVBO", "owner": "x"},
    ],
)
def test_the_schema_describes_the_files(entry):
    document = {"format_version": 1, "quizzes": [{"title": "T"}], "files": [entry]}
    assert not schema_validator().is_valid(document)
    document["files"] = [{"sha256": "a" * 64, "name": "a.png", "data": "iVBO"}]
    assert schema_validator().is_valid(document)


@pytest.mark.django_db(transaction=True)
def test_two_files_of_one_name_in_a_text_get_names_of_their_own(teacher):
    xml = f"""<quiz><question type="description"><name><text>D</text></name>
<questiontext format="html"><text><![CDATA[<img src="@@PLUGINFILE@@/a/pic.png">
<img src="@@PLUGINFILE@@/b/pic.png">]]></text>
{file_element("pic.png", PNG, "/a/")}{file_element("pic.png", OTHER_PNG, "/b/")}
</questiontext></question></quiz>"""
    (quiz,) = import_file(teacher, xml.encode(), format="moodlexml").quizzes
    content = write(operations.quiz_data(quiz), "moodlexml", owner=teacher)[0].decode()
    assert moodle_files(content) == {"pic.png": PNG, "pic-2.png": OTHER_PNG}
    assert '<img src="@@PLUGINFILE@@/pic.png">' in content
    assert '<img src="@@PLUGINFILE@@/pic-2.png">' in content
