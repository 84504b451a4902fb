"""The three-way merge's rules (quizzes.merge), on plain data: no database."""

import pytest

from quizzes.merge import MISSING, Conflict, merge, summary

BASE = {"title": "Capitals", "tags": ["geo"], "options": {"pass_mark": 70, "time_limit": None}}


def edited(data, **changes):
    copy = {**data, "options": dict(data["options"])}
    for name, value in changes.items():
        if name.startswith("options_"):
            copy["options"][name.removeprefix("options_")] = value
        else:
            copy[name] = value
    return copy


def test_fields_only_one_side_changed_are_each_taken():
    theirs = edited(BASE, options_pass_mark=75)
    yours = edited(BASE, tags=["geo", "europe"])
    merged = merge(BASE, theirs, yours, sets=("tags",))
    assert merged.clean
    assert merged.data["options"]["pass_mark"] == 75
    assert merged.data["tags"] == ["geo", "europe"]
    assert merged.theirs == ["options.pass_mark"]
    assert merged.yours == ["tags"]


def test_the_same_change_on_both_sides_is_no_conflict():
    theirs = edited(BASE, title="Capitals of Europe")
    merged = merge(BASE, theirs, dict(theirs))
    assert merged.clean and merged.yours == [] and merged.theirs == []
    assert merged.data["title"] == "Capitals of Europe"


def test_a_field_both_changed_differently_is_a_conflict_and_keeps_theirs_until_resolved():
    theirs = edited(BASE, title="Theirs", options_pass_mark=80)
    yours = edited(BASE, title="Yours", options_time_limit=10)
    merged = merge(BASE, theirs, yours)
    assert merged.conflicts == [Conflict("title", "Capitals", "Theirs", "Yours")]
    assert merged.data["title"] == "Theirs"
    assert merged.resolve({"title": "yours"}) == edited(
        BASE, title="Yours", options_pass_mark=80, options_time_limit=10
    )
    assert merged.resolve({"title": "base"})["title"] == "Capitals"
    with pytest.raises(KeyError):
        merged.resolve({})
    with pytest.raises(ValueError, match="unknown choice"):
        merged.resolve({"title": "mine"})


def test_tags_merge_as_a_set_both_additions_and_removals():
    base = {"tags": ["a", "b", "c"]}
    merged = merge(base, {"tags": ["a", "b", "c", "t"]}, {"tags": ["b", "c", "y"]}, sets=("tags",))
    assert merged.clean
    assert merged.data["tags"] == ["b", "c", "t", "y"]


def test_fields_missing_from_yours_are_not_part_of_the_edit():
    theirs = edited(BASE, title="Theirs")
    merged = merge(BASE, theirs, {"tags": ["geo"]})
    assert merged.clean and merged.data == theirs


def answer(uid, text, fraction=0):
    return {"uid": uid, "text": text, "fraction": fraction}


ANSWERS = [answer("a", "Paris", 100), answer("b", "Lyon"), answer("c", "Nice")]


def test_answers_merge_by_identity_not_by_position():
    # They removed "Lyon" (positions shift); you corrected "Nice" (now at their position 2).
    theirs = {"answers": [ANSWERS[0], ANSWERS[2]]}
    yours = {"answers": [ANSWERS[0], ANSWERS[1], answer("c", "Nice (FR)")]}
    merged = merge({"answers": ANSWERS}, theirs, yours, keyed={"answers": "uid"})
    assert merged.clean
    assert merged.data["answers"] == [ANSWERS[0], answer("c", "Nice (FR)")]
    assert merged.yours == ["answers"] and merged.theirs == ["answers"]


def test_answers_added_on_both_sides_are_all_kept_in_their_places():
    theirs = {"answers": [ANSWERS[0], answer("t", "Lille"), *ANSWERS[1:]]}
    yours = {"answers": [*ANSWERS, {"text": "Brest", "fraction": 0}]}
    merged = merge({"answers": ANSWERS}, theirs, yours, keyed={"answers": "uid"})
    assert merged.clean
    texts = [item["text"] for item in merged.data["answers"]]
    assert texts == ["Paris", "Lille", "Lyon", "Nice", "Brest"]


def test_your_reordering_wins_when_they_did_not_reorder():
    theirs = {"answers": [ANSWERS[0], answer("b", "Lyon", 50), ANSWERS[2]]}
    yours = {"answers": [ANSWERS[2], ANSWERS[1], ANSWERS[0]]}
    merged = merge({"answers": ANSWERS}, theirs, yours, keyed={"answers": "uid"})
    assert merged.clean
    assert merged.data["answers"] == [ANSWERS[2], answer("b", "Lyon", 50), ANSWERS[0]]


def test_an_answer_both_changed_or_one_changed_and_the_other_removed_is_a_conflict():
    theirs = {"answers": [answer("a", "Paris!", 100), ANSWERS[1], answer("c", "Nizza")]}
    yours = {"answers": [answer("a", "PARIS", 100), ANSWERS[1]]}
    merged = merge({"answers": ANSWERS}, theirs, yours, keyed={"answers": "uid"})
    assert [conflict.field for conflict in merged.conflicts] == ["answers.a", "answers.c"]
    assert merged.conflicts[1].yours is MISSING
    resolved = merged.resolve({"answers.a": "yours", "answers.c": "yours"})
    assert resolved["answers"] == [answer("a", "PARIS", 100), ANSWERS[1]]
    resolved = merged.resolve({"answers.a": "base", "answers.c": "theirs"})
    assert resolved["answers"] == [ANSWERS[0], ANSWERS[1], answer("c", "Nizza")]


def test_an_answer_they_removed_and_you_changed_comes_back_when_you_choose_yours():
    theirs = {"answers": ANSWERS[:2]}
    yours = {"answers": [*ANSWERS[:2], answer("c", "Nice (FR)")]}
    merged = merge({"answers": ANSWERS}, theirs, yours, keyed={"answers": "uid"})
    assert [conflict.field for conflict in merged.conflicts] == ["answers.c"]
    assert merged.data["answers"] == ANSWERS[:2]
    assert merged.resolve({"answers.c": "yours"})["answers"][-1] == answer("c", "Nice (FR)")


def test_summary_names_who_and_what(settings):
    settings.LANGUAGE_CODE = "en"
    theirs = edited(BASE, options_pass_mark=75)
    merged = merge(BASE, theirs, edited(BASE, tags=["x"]))
    labels = {"options.pass_mark": "the pass mark", "tags": "the tags"}
    assert summary(merged, ["Léa"], labels.get) == (
        "Léa changed the pass mark meanwhile; your change of the tags was added."
    )
    assert summary(merge(BASE, theirs, dict(BASE)), [], labels.get) == (
        "Someone changed the pass mark meanwhile."
    )
