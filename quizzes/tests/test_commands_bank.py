"""import_quizzes into the question bank (--bank-only, the quiz limit, its report) and
export_bank, against the real database."""

import json

import pytest
from bson import ObjectId

from quizzes import bank
from quizzes.formats import parse, store
from quizzes.models import Category, Question, Quiz
from quizzes.tests.fixtures.samples import fixture
from quizzes.tests.test_commands import files, run

pytestmark = pytest.mark.django_db

__all__ = ["files"]  # a fixture used here

NESTED_GIFT = """// [id:bio]
// [info:[html\\]<p>All of <b>biology</b></p>]
$CATEGORY: $course$/top/Biology

::Cell::What is the unit of life?{=cell ~atom}

$CATEGORY: $course$/top/Biology/Genetics

::DNA::DNA is a double helix.{T}

::Genes::Name a gene.{=BRCA1}

$CATEGORY: $course$/top/Physics

::Speed::The speed of light is about 300,000 km/s.{T}
"""


def paths(owner):
    return {path for path, _info in bank.category_infos(owner).values()}


# -- import into the bank -------------------------------------------------------------
def test_bank_only_makes_no_quiz(teacher, files):
    out, err, error = run(
        "import_quizzes", files("nested.gift", NESTED_GIFT), "--owner", "teacher", "--bank-only"
    )
    assert error is None, err
    assert Quiz.objects.count() == 0
    assert paths(teacher) == {("Biology",), ("Biology", "Genetics"), ("Physics",)}
    biology = Category.objects.get(name="Biology")
    assert (biology.idnumber, biology.description_format) == ("bio", "html")
    assert Question.objects.filter(category__name="Genetics").count() == 2
    assert "nested.gift: imported 4 questions into the bank only (" in out


def test_a_file_without_categories_goes_into_a_category_named_after_it(teacher, files):
    _out, err, error = run("import_quizzes", files("Week 1.gift", "::A::1 + 1 {=2 ~3}\n\n::B::x {T}"),
                           "--owner", "teacher")  # fmt: skip
    assert error is None, err
    category = Category.objects.get()
    assert (category.name, category.parent) == ("Week 1", None)
    quiz = Quiz.objects.get()
    assert (quiz.title, quiz.category, quiz.question_count) == ("Week 1", category.pk, 2)
    assert Question.objects.filter(category=category).count() == 2


def test_a_file_with_more_questions_than_a_quiz_holds_goes_to_the_bank_only(
    teacher, files, monkeypatch
):
    monkeypatch.setattr(store, "SLOTS_MAX", 3)
    out, _err, error = run(
        "import_quizzes", files("nested.gift", NESTED_GIFT), "--owner", "teacher"
    )
    assert error is None
    assert (Quiz.objects.count(), Question.objects.count()) == (0, 4)
    assert "imported 4 questions into the bank only" in out
    assert (
        "“nested” has 4 questions, more than a quiz holds (3): its questions are in the bank" in out
    )


def test_the_report_names_each_note_with_its_question_and_line(teacher, files):
    content = "::Fine::1 + 1 {=2 ~3}\n\n::Odd::Pick {\n=a\n~%abc%b\n}\n"
    out, _err, error = run("import_quizzes", files("notes.gift", content), "--owner", "teacher")
    assert error is None
    assert "note: question 2 (line 5): “%abc%” is not a weight" in out
    assert out.rstrip().endswith("[Odd]")


def test_the_dry_run_counts_what_the_bank_would_get(teacher, files):
    out, _err, error = run("import_quizzes", files("bank.xml", fixture("moodle4_biology.xml")),
                           "--owner", "teacher", "--dry-run", "--bank-only")  # fmt: skip
    assert error is None
    assert "would import 8 questions into the bank only" in out
    assert "skipped: 1 unsupported type ddwtos" in out
    assert "note: question 9 (line 314)" in out
    assert (Category.objects.count(), Question.objects.count()) == (0, 0)


def test_a_second_import_merges_into_the_existing_categories(teacher, files):
    for name in ("one.gift", "two.gift"):
        _out, _err, error = run("import_quizzes", files(name, NESTED_GIFT), "--owner", "teacher")
        assert error is None
    assert Category.objects.count() == 3
    assert Question.objects.count() == 8 and Quiz.objects.count() == 2


# -- export_bank ------------------------------------------------------------------------
@pytest.fixture
def nested_bank(teacher, files):
    _out, _err, error = run(
        "import_quizzes", files("nested.gift", NESTED_GIFT), "--owner", "teacher", "--bank-only"
    )
    assert error is None
    bank.create_category(
        teacher,
        {"name": "Empty", "description": "Nothing yet", "idnumber": "e1"},
        Category.objects.get(name="Physics"),
    )
    return teacher


@pytest.mark.parametrize("format_name", ["json", "gift", "moodlexml"])
def test_export_a_bank_and_import_it_into_another(
    nested_bank, other_teacher, tmp_path, format_name
):
    out, _err, error = run("export_bank", "--owner", "teacher", "--format", format_name, "-o",
                           str(tmp_path / "out"))  # fmt: skip
    assert error is None
    (path,) = (tmp_path / "out").iterdir()
    assert path.stem == "Question bank"
    assert "Wrote 4 questions in" in out
    result = parse(path.read_bytes(), filename=path.name)
    expected = {("Biology",), ("Biology", "Genetics"), ("Physics",)}
    if format_name != "gift":  # GIFT writes no category without a question (as Moodle)
        expected.add(("Physics", "Empty"))
        assert result.categories[("Physics", "Empty")]["idnumber"] == "e1"
    assert set(result.categories) == expected
    assert result.categories[("Biology",)]["idnumber"] == "bio"
    _out, _err, error = run("import_quizzes", str(path), "--owner", other_teacher.username,
                            "--bank-only")  # fmt: skip
    assert error is None
    assert paths(other_teacher) >= {("Biology", "Genetics"), ("Physics",)}
    names = set(Question.objects.filter(owner=other_teacher).values_list("name", flat=True))
    assert names == {"Cell", "DNA", "Genes", "Speed"}


def test_export_one_category_with_its_subcategories(nested_bank):
    out, _err, error = run("export_bank", "--owner", "teacher", "--category", "Biology")
    assert error is None
    document = json.loads(out)
    (quiz,) = document["quizzes"]
    assert quiz["title"] == "Biology"
    assert [q["name"] for q in quiz["questions"]] == ["Cell", "DNA", "Genes"]
    assert [q["category"] for q in quiz["questions"]][1] == ["Biology", "Genetics"]
    assert [c["path"] for c in quiz["categories"]] == [["Biology"], ["Biology", "Genetics"]]
    out, _err, error = run("export_bank", "--owner", "teacher", "--category", "Biology/Genetics",
                           "--format", "gift")  # fmt: skip
    assert error is None
    assert "$CATEGORY: $course$/top/Biology/Genetics" in out and "Cell" not in out


def test_export_an_unknown_category_is_a_clear_error(nested_bank):
    _out, _err, error = run("export_bank", "--owner", "teacher", "--category", "Biology/Botany")
    assert "No category “Biology/Botany” in the bank of teacher (no “Botany” in “Biology”)" in str(
        error
    )


def test_export_leaves_out_what_an_import_is_staging(nested_bank):
    bank.staged_category(nested_bank, {"name": "Staged"}, None, ObjectId()).save()
    out, _err, error = run("export_bank", "--owner", "teacher")
    assert error is None and "Staged" not in out
