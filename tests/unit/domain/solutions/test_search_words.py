"""Search words on both engines: transposed letters, phrases with stop words and other word
forms, the best partial matches, "did you mean" (each run against the run's database)."""

from __future__ import annotations

import pytest

from aixplore.core.db import session_scope
from aixplore.domain.solutions.search import SearchPage, SearchQuery, search
from tests.factories import make_member, make_solution


def _search(**params: str) -> SearchPage:
    with session_scope() as db:
        return search(db, SearchQuery.from_params(params))


def _slugs(page: SearchPage) -> list[str]:
    return [c.slug for c in page.items]


@pytest.fixture
def translators() -> dict[str, str]:
    """Solutions about translation: only one of them also speaks of documents."""
    owner = make_member(name="Babel Works").email

    def made(name: str, tagline: str, description: str, tags: list[str]) -> str:
        return make_solution(
            owner, name=name, tagline=tagline, description=description, tags=tags
        ).slug

    return {
        "pages": made(
            "Polyglot Pages",
            "PDF translation that keeps the layout",
            "Translates PDF files into forty languages.",
            ["translation", "pdf"],
        ),
        "desk": made(
            "Babel Desk",
            "Translation for PDF manuals",
            "Manuals and leaflets, translated with a glossary.",
            ["translation"],
        ),
        "bridge": made(
            "Lingua Bridge",
            "Translate PDF documents and contracts",
            "Contracts, letters and other documents in any language pair.",
            ["translation", "legal"],
        ),
        "voice": made(
            "Voice Translate",
            "Spoken translation for meetings",
            "Live speech translation with subtitles.",
            ["translation", "speech"],
        ),
        "ledger": made(
            "Ledger Lens",
            "Reads scanned documents",
            "Invoices and receipts from paper documents.",
            ["ocr"],
        ),
    }


def test_a_transposed_letter_pair_is_corrected(translators: dict[str, str]) -> None:
    page = _search(q="tranlsation")
    assert page.corrected_q == "translation"
    assert set(_slugs(page)) == {translators[k] for k in ("pages", "desk", "bridge", "voice")}


def test_stop_words_are_ignored_on_both_engines(translators: dict[str, str]) -> None:
    plain = _search(q="pdf translator")
    assert plain.total == 3
    for phrase in ("the pdf translator", "a translator for the pdf", "PDF, translator!"):
        page = _search(q=phrase)
        assert (page.total, set(_slugs(page))) == (plain.total, set(_slugs(plain))), phrase


def test_a_phrase_finds_what_its_keywords_find_best_first(translators: dict[str, str]) -> None:
    keywords = _search(q="pdf translation")
    assert set(_slugs(keywords)) == {translators[k] for k in ("pages", "desk", "bridge")}
    phrase = _search(q="translate pdf documents")
    # Only one solution holds all three words: the others holding two of them follow it.
    assert phrase.partial and phrase.exact_total == 1
    assert _slugs(phrase)[0] == translators["bridge"]
    assert set(_slugs(keywords)) <= set(_slugs(phrase))
    # Solutions holding one word of three are not among the closest matches.
    assert translators["voice"] not in _slugs(phrase)
    assert translators["ledger"] not in _slugs(phrase)
    assert phrase.total == len(phrase.items) == 3


def test_with_no_solution_holding_every_word_those_holding_the_most_are_shown(
    translators: dict[str, str],
) -> None:
    page = _search(q="spoken glossary contracts")
    assert page.partial and page.exact_total == 0
    # Each of these holds one of the three words, none two.
    assert set(_slugs(page)) == {translators[k] for k in ("voice", "desk", "bridge")}
    page = _search(q="spoken pdf contracts")  # one holds two of them: it alone is closest
    assert _slugs(page) == [translators["bridge"]]
    page = _search(q="translation quetzalcoatl")
    assert page.partial and page.total == 4 and page.corrected_q == ""


def test_enough_solutions_holding_every_word_need_no_partial_matches(
    translators: dict[str, str],
) -> None:
    page = _search(q="translation pdf")
    assert not page.partial and page.total == 3
    assert _search(q="zzqx wvvk").total == 0


def test_did_you_mean_offers_a_corrected_query_that_finds_more(
    translators: dict[str, str],
) -> None:
    owner = make_member(name="Typo Works").email
    for name in ("Speech Coach", "Speech Minutes"):
        make_solution(owner, name=name, tagline="Speech to text", tags=["speech"])
    typo = make_solution(owner, name="Speach Notes", tagline="Notes from a speach").slug
    page = _search(q="speach")  # a word one solution holds: no automatic correction
    assert _slugs(page) == [typo] and page.corrected_q == ""
    assert page.suggested_q == "speech"
    # Nothing better to offer for a word many solutions hold.
    assert _search(q="translation").suggested_q == ""
