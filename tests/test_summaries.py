"""Automatic summaries (a story without `summary`) end at a sentence, or at a word when one is too long."""

from __future__ import annotations

import pytest

from digest.content.markup import first_paragraph_text

LIMIT = 80


def _summary(paragraph: str) -> str:
    return first_paragraph_text(f"<p>{paragraph}</p>\n<p>A second paragraph.</p>", limit=LIMIT)


def test_a_short_first_paragraph_is_the_summary_whole():
    summary = _summary("Rain <em>all</em> day &amp; night. More tomorrow")
    assert summary == "Rain all day & night. More tomorrow"


def test_no_paragraph_no_summary():
    assert first_paragraph_text("<h2>Only a heading</h2>") == ""


def test_the_summary_ends_at_the_last_sentence_that_fits():
    first = "The river rose two metres overnight."
    second = " Crews worked until dawn."
    third = " The town's mayor said the bridge would stay closed for at least a week."
    assert len(first + second) <= LIMIT < len(first + second + third)
    assert _summary(first + second + third) == first + second


@pytest.mark.parametrize("stop", ["!", "?"])
def test_exclamation_and_question_marks_end_sentences(stop):
    first = f"Will the harvest survive the drought{stop}"
    assert _summary(first + " Farmers across the plain are counting every drop and every cloud.") == first


@pytest.mark.parametrize("closing", ["\u201d", '"', "\u2019", ")"])
def test_closing_quotes_and_brackets_stay_with_their_sentence(closing):
    opening = {"\u201d": "\u201c", '"': '"', "\u2019": "\u2018", ")": "("}[closing]
    first = f"The minister said: {opening}We will not wait.{closing}"
    assert _summary(first + " Her opponents answered within the hour with a statement of their own.") == first


@pytest.mark.parametrize(
    "inside",
    [
        "Dr. Okafor",
        "the U.S. Treasury",
        "Mr. Lee",
        "No. 10 Downing Street",
        "on Sept. 15",
        "President John F. Kennedy",
        "a 3.5 per cent rise",
        "example.org",
        "cities, e.g. the capital",
    ],
)
def test_abbreviations_initials_and_decimals_do_not_end_a_sentence(inside):
    text = f"Officials cited {inside} in a report that runs on well past the limit of a summary. Then more."
    assert text.index(inside) + len(inside) < LIMIT < text.index(". Then")
    assert _summary(text) == text[:LIMIT].rsplit(" ", 1)[0] + "…"  # one long sentence: cut at a word


def test_a_first_sentence_longer_than_the_limit_is_cut_at_a_word_with_an_ellipsis():
    text = "Across the valley " + "and over the hills " * 8 + "the fog stayed. It lifted at noon."
    summary = _summary(text)
    assert summary.endswith("…") and len(summary) <= LIMIT + 1
    assert text.startswith(summary[:-1]) and text[len(summary) - 1] == " "  # whole words only


def test_a_sentence_ending_exactly_at_the_limit_fits():
    first = "A" * (LIMIT - 1) + "."
    assert _summary(first + " Then more.") == first
