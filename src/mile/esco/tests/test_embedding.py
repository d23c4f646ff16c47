"""The NumPy all-MiniLM-L6-v2 of the embedding comparison (skipped without the extra)."""

from __future__ import annotations

import time

import numpy as np
import pytest

from mile.esco import embedding
from mile.esco.loader import load_taxonomy
from mile.esco.tests.esco_files import OCC, SKILL, write_folder


def test_the_module_imports_and_names_what_is_missing(monkeypatch):
    monkeypatch.setattr(embedding, "missing_packages", lambda: ["tokenizers"])

    assert not embedding.available()
    with pytest.raises(embedding.EmbeddingUnavailable, match=r"tokenizers.*--no-deps"):
        embedding.MiniLM.load()


@pytest.fixture(scope="module")
def model() -> embedding.MiniLM:
    pytest.importorskip("tokenizers")
    pytest.importorskip("safetensors")
    pytest.importorskip(embedding.MODEL_PACKAGE)
    return embedding.MiniLM.load()


def test_similar_sentences_are_closer_than_unrelated_ones(model):
    started = time.perf_counter()
    vectors = model.encode(["software developer", "programmer", "chef"])
    elapsed = time.perf_counter() - started

    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    similarity = vectors @ vectors.T
    assert similarity[0, 1] > 0.6
    assert similarity[0, 1] > similarity[0, 2] + 0.3
    assert elapsed < 10


def test_batching_does_not_change_an_embedding(model):
    texts = ["cook", "develop software in Java and other languages", ""]

    together = model.encode(texts)
    alone = np.vstack([model.encode([t]) for t in texts])

    assert np.allclose(together, alone, atol=1e-5)


def test_the_ranker_ranks_by_label_and_description_and_caches(model, tmp_path):
    taxonomy = load_taxonomy(sources=[write_folder(tmp_path / "esco", languages=("en",))])
    cache = tmp_path / "cache"

    ranker = embedding.EmbeddingRanker(model, cache_dir=cache).fit(taxonomy, kind="skill")
    [java, empty] = ranker.rank(["experience programming in Java", "  "], top=2)

    assert java[0][0] == SKILL + "java"
    assert len(java) == 2
    assert empty == []
    assert not ranker.cache_hit
    assert len(list(cache.glob("minilm-*.npz"))) == 1

    again = embedding.EmbeddingRanker(model, cache_dir=cache).fit(taxonomy, kind="skill")
    assert again.cache_hit
    assert np.array_equal(again.vectors, ranker.vectors)

    occupations = embedding.EmbeddingRanker(model, cache_dir=cache)
    [[first, *_]] = occupations.fit(taxonomy, kind="occupation").rank(["head cook"], top=3)
    assert first[0] == OCC + "chef" or first[0].endswith("C3434")


def test_compare_scores_both_methods_on_a_devset(model, tmp_path, capsys):
    from mile.esco.compare import main
    from mile.esco.extract import build_extract

    extract = tmp_path / "extract.json.xz"
    build_extract(source=write_folder(tmp_path / "esco", languages=("en",)), output=extract)
    devset = tmp_path / "dev.csv"
    devset.write_text(
        f"text,labels\nJava programming,{SKILL}java\ncooking meals,{SKILL}cook\n",
        encoding="utf-8",
    )
    common = [str(devset), "--kind", "skill", "--extract", str(extract)]

    assert main([*common, "--cache-dir", str(tmp_path / "cache")]) == 0
    out = capsys.readouterr().out
    assert "RP@5" in out
    assert "MILE linker" in out
    assert "MiniLM embed" in out

    assert main([*common, "--lang", "it"]) == 2
