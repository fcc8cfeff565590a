"""Typo correction's distance and choice of word, without a database."""

from __future__ import annotations

from aixplore.domain.solutions.search_spelling import Vocabulary, _vocabulary, closest, distance


def _words(*words: str) -> Vocabulary:
    return _vocabulary(set(words), None)


def test_a_swapped_pair_of_letters_is_one_edit() -> None:
    assert distance("tranlsation", "translation", 2) == 1
    assert distance("reciept", "receipt", 2) == 1
    # Plain Levenshtein counts a swap as two edits; so does a swap of letters further apart.
    assert distance("tranlsation", "trasnlation", 3) == 2
    assert distance("speach", "speech", 2) == 1
    assert distance("kitten", "sitting", 3) == 3
    assert distance("kitten", "sitting", 1) == 2  # more than the limit: the limit plus one


def test_the_closest_word_is_one_edit_away_even_at_the_first_letter() -> None:
    words = _words("translation", "transcription", "translate", "receipt", "speech", "peach")
    assert closest(words, "tranlsation") == "translation"
    assert closest(words, "rtanslation") == "translation"  # swapped first letters
    assert closest(words, "reciept") == "receipt"
    # Equally close: the word that shares the first letter wins, on either engine.
    assert closest(words, "speach") == "speech"


def test_long_words_may_be_two_edits_away_short_ones_one() -> None:
    words = _words("transcription", "forecasting", "video", "audio")
    assert closest(words, "transcriptoin") == "transcription"
    assert closest(words, "forcastin") == "forecasting"  # two edits, nine letters
    assert closest(words, "vdeo") == "video"
    assert closest(words, "vdo") is None  # two edits from "video", but only three letters
    assert closest(words, "xy") is None  # too short to correct
