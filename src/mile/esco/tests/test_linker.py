from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp  # type: ignore[import-untyped]
from hypothesis import given, settings
from hypothesis import strategies as st

from mile.esco.extract import bundled_taxonomy
from mile.esco.index import LinkKind
from mile.esco.linker import Linker, UnknownLanguageError, _product
from mile.esco.loader import load_taxonomy
from mile.esco.model import Taxonomy
from mile.esco.tests.esco_files import ISCO, OCC, SKILL, write_folder


@pytest.fixture(scope="module")
def taxonomy(tmp_path_factory) -> Taxonomy:
    return load_taxonomy(sources=[write_folder(tmp_path_factory.mktemp("esco") / "esco")])


@pytest.fixture(scope="module")
def linker(taxonomy) -> Linker:
    return Linker().fit(taxonomy)


@pytest.fixture(scope="module")
def real() -> Linker:
    return Linker().fit(bundled_taxonomy())


def uris(matches):
    return [m.uri for m in matches]


def test_it_ranks_the_concept_whose_label_matches_first(linker):
    [matches] = linker.link(["Senior Java developer"], kind=LinkKind.OCCUPATION, lang="en")

    assert matches[0].uri == OCC + "dev"
    assert matches[0].label == "java developer"
    assert matches[0].span == "Java developer"
    assert 0 < matches[0].score <= 1.5


def test_it_ranks_occupations_and_isco_groups_together(linker):
    [matches] = linker.link(["software developers"], kind=LinkKind.OCCUPATION, lang="en")

    assert set(uris(matches[:2])) == {OCC + "dev", ISCO + "C2512"}


def test_it_finds_skills_in_a_sentence(linker):
    [matches] = linker.link(
        ["You will cook food and work in teams with colleagues"], kind=LinkKind.SKILL, lang="en"
    )

    assert set(uris(matches[:2])) == {SKILL + "cook", SKILL + "team"}


def test_it_gives_an_empty_list_for_an_empty_text(linker):
    results = linker.link(["", "   ", "chef"], kind=LinkKind.OCCUPATION, lang="en")

    assert results[0] == []
    assert results[1] == []
    assert results[2][0].uri == OCC + "chef"


def test_it_splits_long_texts_into_windows_instead_of_cutting_them(linker):
    text = " ".join(["lorem ipsum dolor"] * 100) + " we need a car driving licence"

    [matches] = linker.link([text], kind=LinkKind.SKILL, lang="en")

    assert matches[0].uri == SKILL + "drive"
    assert matches[0].span == "car driving"


def test_it_fails_on_an_unknown_language_listing_the_available_ones(linker):
    with pytest.raises(UnknownLanguageError) as caught:
        linker.link(["chef"], kind=LinkKind.OCCUPATION, lang="xx")

    assert caught.value.available == ("en", "it")
    assert "en, it" in str(caught.value)


def test_it_ranks_only_against_the_corpus_language(linker):
    [native] = linker.link(["cuoca"], kind=LinkKind.OCCUPATION, lang="it")
    [english] = linker.link(["cuoca"], kind=LinkKind.OCCUPATION, lang="it", corpus_lang="en")

    assert native[0].uri == OCC + "chef"
    assert native[0].lang == "it"
    assert all(m.lang == "en" for m in english)


def test_it_matches_each_form_of_a_gendered_label(linker):
    [matches] = linker.link(["cuoca"], kind=LinkKind.OCCUPATION, lang="it", corpus_lang="it")

    assert matches[0].label == "cuoca"


@settings(max_examples=60, deadline=None)
@given(
    texts=st.lists(st.text(max_size=200), min_size=1, max_size=5),
    top=st.integers(min_value=1, max_value=12),
    kind=st.sampled_from(list(LinkKind)),
)
def test_it_returns_sorted_unique_results_for_any_text(linker, texts, top, kind):
    results = linker.link(texts, kind=kind, lang="en", top=top)

    assert len(results) == len(texts)
    for text, matches in zip(texts, results, strict=True):
        assert len(matches) <= top
        assert len(set(uris(matches))) == len(matches)
        scores = [m.score for m in matches]
        assert scores == sorted(scores, reverse=True)
        assert all(s > 0 for s in scores)
        assert matches == linker.link([text], kind=kind, lang="en", top=top)[0]


def test_it_links_real_vacancy_titles(real):
    results = real.link(
        ["Software Developer (Java)", "cuoco", "Krankenpfleger"],
        kind=LinkKind.OCCUPATION,
        lang="it",
    )
    de = real.link(["Krankenpfleger"], kind=LinkKind.OCCUPATION, lang="de")

    assert "software developer" in [m.label.lower() for m in results[0][:3]]
    assert any("cuoc" in m.label for m in results[1][:3])
    assert any("krankenpfleger" in m.label.lower() for m in de[0][:3])


def test_it_links_real_job_ad_sentences_to_skills(real):
    [matches] = real.link(
        ["Strong knowledge of HTML and CSS, experience with Java and SQL databases"],
        kind=LinkKind.SKILL,
        lang="en",
    )

    labels = {m.label.lower() for m in matches}
    assert {"java", "sql"} <= labels


def test_a_batch_ranks_each_text_as_it_alone_would(real):
    # The sibling prior, the rank fusion and the top-k run on all texts of a batch at once.
    texts = [
        "Software Developer (Java)",
        "",
        "lekarz weterynarii",
        "nurse " * 40 + "and cook in a busy kitchen with a team of chefs",
        "Krankenpfleger",
    ]
    for lang, corpus_lang in (("en", None), ("pl", None), ("pl", "en")):
        together = real.link(texts, kind=LinkKind.OCCUPATION, lang=lang, corpus_lang=corpus_lang)
        alone = [
            real.link([t], kind=LinkKind.OCCUPATION, lang=lang, corpus_lang=corpus_lang)[0]
            for t in texts
        ]
        assert together == alone
        assert together[1] == []
        assert all(len(matches) == 10 for i, matches in enumerate(together) if i != 1)


def test_the_product_without_the_counting_pass_equals_scipys():
    rng = np.random.default_rng(7)
    for seed in range(30):
        a = sp.random(5, 40, density=0.2, format="csr", dtype=np.float32, rng=rng)
        b = sp.random(40, 60, density=0.3 + seed / 50, format="csr", dtype=np.float32, rng=rng)
        a = sp.vstack([a, sp.csr_matrix((2, 40), dtype=np.float32)]).tocsr()  # empty last rows
        product = _product(a, b)
        expected = sp.csr_matrix(a @ b)
        assert product.shape == expected.shape
        assert np.array_equal(product.toarray(), expected.toarray())


def test_a_cached_index_ranks_as_a_fresh_one_and_a_broken_entry_is_rebuilt(taxonomy, tmp_path):
    texts = ["Senior Java developer", "software developers", "chef"]
    fresh = Linker().fit(taxonomy).link(texts, kind=LinkKind.OCCUPATION, lang="en")
    Linker(cache_dir=tmp_path).fit(taxonomy).prepare(kind=LinkKind.OCCUPATION, langs=["en"])
    [entry] = tmp_path.glob("occupation-en-*.npz")

    cached = Linker(cache_dir=tmp_path).fit(taxonomy)
    assert cached.link(texts, kind=LinkKind.OCCUPATION, lang="en") == fresh

    entry.write_bytes(b"not an archive")
    rebuilt = Linker(cache_dir=tmp_path).fit(taxonomy)
    assert rebuilt.link(texts, kind=LinkKind.OCCUPATION, lang="en") == fresh
