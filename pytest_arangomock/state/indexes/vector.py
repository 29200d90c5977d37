"""The ``vector`` index (ArangoDB 3.12.10): exact nearest neighbours over one embedding.

ArangoDB trains a Faiss IVF index and answers approximately; the emulator answers exactly
(the ground truth an approximate index aims at) with numpy: every indexed vector is a row
of one contiguous float32 matrix, appended on insert, swap-removed on remove (so a query
never rebuilds anything), searched with one matrix-vector product and ``argpartition``.
Cosine rows are stored normalised, as ArangoDB normalises before insertion and search.

What clients see follows ArangoDB: the definition rules of ``IndexFactory`` and
``UserVectorIndexDefinition`` (:mod:`.vector_params`), the per-document checks of
``readDocumentVectorData`` on every write, and the training state: an index is
``unusable`` until the collection holds as many documents as ``nLists`` (or the scaling
mode's ``minNLists``), then it trains at once (creation or the write that passes the
threshold) and is ``ready``; training can fail (factory string, too few vectors) and is
retried when the document count changes; truncation makes it ``unusable`` again.

numpy is an optional extra (``pytest-arangomock[vector]``), imported when the first vector
index is created.
"""

from __future__ import annotations

import importlib
import math
import sys
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from ...base.errors import ArangoError
from .base import MISSING, Doc, Index, NearLookup, path_get, vpack_sorted
from .registry import (
    Definition,
    IndexType,
    bad,
    check_expansion,
    flag,
    register,
    validate_fields,
)
from .vector_params import (
    METRIC_FUNCTIONS,
    factory_problem,
    parse_params,
    resolve_nlists,
    training_threshold,
)

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from ..model import Collection

UNUSABLE = "unusable"
READY = "ready"
#: what an untrained index reports when it simply has too few documents
NOT_ENOUGH = "not enough training data for vector index"
#: how much room the matrix gains when it is full (a fraction of its rows); small, so the
#: memory held per vector stays close to the raw float32 array
_GROWTH = 16
_MIN_GROWTH = 64
#: the most bytes one growth step of a small matrix adds, so that a huge ``dimension``
#: costs memory only for the vectors actually stored
_GROWTH_BYTES = 1 << 22
#: widest row numpy is asked to shape; ``dimension`` may be any uint64, but no document
#: can hold a list that long, so an index wider than this only ever holds zero rows
_WIDEST = 1 << 40

_numpy_module: Any = None


def numpy_module() -> Any:
    """numpy, imported on first use; 501 naming the extra when it is not installed."""
    global _numpy_module
    if _numpy_module is None:
        try:
            _numpy_module = importlib.import_module("numpy")
        except ImportError:
            raise ArangoError(
                9,
                "POST /_api/index with type 'vector' needs numpy, which is not installed; "
                'install the extra: pip install "pytest-arangomock[vector]"',
                501,
            ) from None
    return _numpy_module


def _typed_vector(value: Any) -> bool:
    """Whether every element is a number (velocypack's ``isNumber<double>``)."""
    return set(map(type, value)) <= {int, float}


class VectorIndex(Index):
    """A vector index: the definition, the training state and the vector matrix."""

    type = "vector"

    def _setup(self) -> None:
        params: dict[str, Any] = self.options["params"]
        self.metric: str = params["metric"]
        self.dimension: int = params["dimension"]
        self.threshold = training_threshold(params["nLists"])
        self.state = UNUSABLE
        self.resolved_nlists: int | None = None
        self.training_error = ""
        self._failed_at: int | None = None  # document count of the last failed training
        self._path = self.fields[0].split(".")
        np_ = numpy_module()
        self._matrix: NDArray[np.float32] = self._empty()
        self._sq: NDArray[np.float32] = np_.empty(0, dtype=np_.float32)  # l2: squared norms
        self._keys: list[str] = []
        self._rows: dict[str, int] = {}
        self._n = 0
        self._parsed: tuple[int, Any] | None = None  # (id(doc), row) from check to insert

    def _empty(self) -> Any:
        """A matrix with no rows (its width capped: numpy refuses absurd shapes)."""
        np_ = numpy_module()
        return np_.empty((0, min(self.dimension, _WIDEST)), dtype=np_.float32)

    # --------------------------------------------------------------- documents
    def _row_of(self, doc: Doc) -> Any:
        """The document's vector as a float32 row (normalised for cosine), None when a
        sparse index skips it; ArangoDB's errors for vectors that do not fit."""
        value = path_get(doc, self._path)
        key = doc.get("_key")
        if value is MISSING:
            if self.sparse:
                return None
            raise ArangoError(10, f"vector field not present in document {key}", 400)
        if type(value) is not list:
            raise ArangoError(17, f"array expected for vector attribute for document {key}", 400)
        if len(value) != self.dimension:
            raise ArangoError(
                17,
                f"provided vector is not of matching dimension for document {key}, "
                f"index dimension: {self.dimension}, document dimension: {len(value)}",
                400,
            )
        if not _typed_vector(value):
            raise ArangoError(
                17,
                f"vector contains data not representable as double for document {key}",
                400,
            )
        return self._float32(value)

    def _float32(self, value: list[Any]) -> Any:
        """``value`` as float32 (normalised for cosine); doubles past float32's range
        become infinities as in Faiss, quietly (numpy would warn on every cast)."""
        np_ = numpy_module()
        with np_.errstate(all="ignore"):
            row = np_.asarray(value, dtype=np_.float32)
            if self.metric == "cosine":
                norm = float(np_.sqrt(np_.dot(row, row)))
                if norm > 0:
                    row = row / np_.float32(norm)
        return row

    def check(self, doc: Doc, old: Doc | None) -> None:
        self._parsed = (id(doc), self._row_of(doc))

    def insert(self, doc: Doc) -> None:
        parsed = self._parsed
        row = parsed[1] if parsed is not None and parsed[0] == id(doc) else self._row_of(doc)
        self._parsed = None
        if row is not None:
            self._append(doc["_key"], row)
        self._maybe_train()

    def remove(self, doc: Doc) -> None:
        pos = self._rows.pop(doc["_key"], None)
        if pos is None:
            return
        last = self._n - 1
        if pos != last:  # swap-remove: the last row takes the freed place
            moved = self._keys[last]
            self._matrix[pos] = self._matrix[last]
            self._sq[pos] = self._sq[last]
            self._keys[pos] = moved
            self._rows[moved] = pos
        self._keys.pop()
        self._n = last

    def clear(self) -> None:
        """Truncation: no vectors, and the training starts over."""
        np_ = numpy_module()
        self._matrix = self._empty()
        self._sq = np_.empty(0, dtype=np_.float32)
        self._keys.clear()
        self._rows.clear()
        self._n = 0
        self.state, self.resolved_nlists, self.training_error = UNUSABLE, None, ""
        self._failed_at = None

    def build(self, docs: list[Doc]) -> None:
        """Read every document's vector (the first bad one fails the creation), fill the
        matrix in one allocation, then train if there are enough documents."""
        np_ = numpy_module()
        keys: list[str] = []
        rows = []
        for doc in docs:
            row = self._row_of(doc)
            if row is not None:
                keys.append(doc["_key"])
                rows.append(row)
        if rows:
            self._matrix = np_.stack(rows).astype(np_.float32, copy=False)
            with np_.errstate(all="ignore"):
                self._sq = np_.einsum("ij,ij->i", self._matrix, self._matrix)
        self._keys = keys
        self._rows = {k: i for i, k in enumerate(keys)}
        self._n = len(keys)
        self._maybe_train()

    def _append(self, key: str, row: Any) -> None:
        np_ = numpy_module()
        n = self._n
        if n == len(self._matrix):
            rows = max(1, min(_MIN_GROWTH, _GROWTH_BYTES // (4 * self.dimension)))
            capacity = n + max(n // _GROWTH, rows)
            grown = np_.empty((capacity, self.dimension), dtype=np_.float32)
            grown[:n] = self._matrix[:n]
            sq = np_.empty(capacity, dtype=np_.float32)
            sq[:n] = self._sq[:n]
            self._matrix, self._sq = grown, sq
        self._matrix[n] = row
        with np_.errstate(all="ignore"):
            self._sq[n] = np_.dot(row, row)
        self._keys.append(key)
        self._rows[key] = n
        self._n = n + 1

    # --------------------------------------------------------------- training
    def _maybe_train(self) -> None:
        """Train once the collection holds enough documents (and retry a failed training
        only when the document count changed), as ArangoDB's background builder does."""
        if self.state != UNUSABLE:
            return
        count = len(self.collection.docs)
        if count < self.threshold or count == self._failed_at:
            return
        problem, nlists = self._training_problem(count)
        if problem is not None:
            self.training_error = problem
            self._failed_at = count
            return
        self.state, self.resolved_nlists, self.training_error = READY, nlists, ""
        self._failed_at = None

    def _training_problem(self, count: int) -> tuple[str | None, int]:
        """Why training on the current vectors fails (None: it succeeds), and nLists."""
        params = self.options["params"]
        nlists_param = params["nLists"]
        valid = self._n
        if valid == 0:
            return (
                "For the vector index to be created documents must be present in the "
                "respective collection for the training process.",
                0,
            )
        scaling = not isinstance(nlists_param, int)
        nlists = resolve_nlists(nlists_param, valid if self.sparse and scaling else count)
        problem = factory_problem(params.get("factory"), nlists)
        if problem is not None:
            return problem, nlists
        sample = min(nlists * params["numberOfDocsPerCentroid"], valid)
        if sample < self.threshold:
            return (
                f"Vector index requires at least {self.threshold} vectors for training, "
                f"but only {sample} were found.",
                nlists,
            )
        if sample < nlists:  # Faiss's k-means needs a training point per centroid
            return (
                f"Error: 'nx >= k' failed: Number of training points ({sample}) should be "
                f"at least as large as number of clusters ({nlists})",
                nlists,
            )
        return None, nlists

    # --------------------------------------------------------------- descriptions
    def describe(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "fields": list(self.fields),
            "id": self.handle,
            "name": self.name,
            "params": self.options["params"],
            "sparse": self.sparse,
            "trainingState": self.state,
            "type": self.type,
            "unique": False,
        }
        stored = self.options.get("storedValues")
        if stored:
            body["storedValues"] = list(stored)
        if self.state == UNUSABLE:
            body["errorMessage"] = NOT_ENOUGH
        if self.resolved_nlists is not None:
            body["resolvedNLists"] = self.resolved_nlists
        return vpack_sorted(body)

    def listed(self, with_hidden: bool) -> dict[str, Any]:
        """RestIndexHandler's single-server listing: the state from the one "shard" (the
        collection), its real training error, and the per-shard details when hidden
        indexes are asked for."""
        body = self.describe()
        for key in ("resolvedNLists", "trainingState", "errorMessage"):
            body.pop(key, None)
        error = (self.training_error or NOT_ENOUGH) if self.state == UNUSABLE else ""
        body["trainingState"] = self.state
        if self.state == UNUSABLE:
            body["errorMessage"] = error
        if with_hidden:
            body["shards"] = {
                self.collection.name: {
                    "error": error,
                    "resolvedNLists": self.resolved_nlists or 0,
                    "trainingState": self.state,
                }
            }
        return vpack_sorted(body)

    def created(self, body: dict[str, Any]) -> dict[str, Any]:
        """A creation without ``inBackground`` waits for the training: a trained index
        answers ``ready`` with an empty ``errorMessage``; an untrained one says why."""
        out = self.describe()
        if body.get("inBackground") is True:
            return out
        if self.state == READY:
            out["errorMessage"] = ""
        else:
            out["errorMessage"] = self.training_error or NOT_ENOUGH
        return vpack_sorted(out)

    def figures(self) -> dict[str, Any]:
        figures = super().figures()
        figures["memory"] = int(self._matrix.nbytes + self._sq.nbytes)
        return figures

    def selectivity(self) -> float | None:
        return None

    # --------------------------------------------------------------- search
    def near_lookup(self, function: str, field: str) -> NearLookup | None:
        """Serve ``function`` on ``field`` when the metric matches and the index is trained
        (the optimizer never uses an index that is not ready)."""
        if METRIC_FUNCTIONS[self.metric] != function or field != self.fields[0]:
            return None
        if self.state != READY:
            return None
        return NearLookup(self, self.metric == "l2", self.dimension, self.search)

    def scores(self, query: list[float]) -> Any:
        """The score of every row for ``query`` (similarity, or L2 distance)."""
        np_ = numpy_module()
        q = self._float32(query)
        m = self._matrix[: self._n]
        with np_.errstate(all="ignore"):
            if self.metric != "l2":
                return m @ q
            squared = self._sq[: self._n] - np_.float32(2) * (m @ q) + np_.dot(q, q)
            return np_.sqrt(np_.maximum(squared, np_.float32(0)))

    def search(
        self, query: list[float], k: int, accept: Callable[[Doc], bool] | None
    ) -> list[tuple[Doc, float]]:
        """The ``k`` best documents for ``query`` (ties in key order), best first;
        ``accept`` filters while searching, as a FILTER pushed into the vector node."""
        n = self._n
        if n == 0 or k <= 0:
            return []
        np_ = numpy_module()
        scores = self.scores(query)
        keyed = -scores if self.metric != "l2" else scores  # smaller is better
        want = min(n, k + 8) if self.metric == "l2" else k  # L2 re-ranks a few more
        if accept is None:
            if want < n:
                part = np_.argpartition(keyed, want - 1)[:want]
                bound = keyed[part].max()
                picked = np_.flatnonzero(keyed <= bound)
            else:
                picked = np_.arange(n)
            rows = [int(i) for i in picked]
        else:
            rows = self._accepted(keyed, want, accept)
        docs = self.collection.docs
        keys = self._keys
        best = sorted(rows, key=lambda i: (float(keyed[i]), keys[i]))[:want]
        if self.metric == "l2":
            exact = self._exact_l2(query, best)
            order = sorted(range(len(best)), key=lambda j: (exact[j], keys[best[j]]))[:k]
            return [(docs[keys[best[j]]], exact[j]) for j in order]
        return [(docs[keys[i]], float(scores[i])) for i in best]

    def _accepted(self, keyed: Any, k: int, accept: Callable[[Doc], bool]) -> list[int]:
        """Rows in score order that pass ``accept``: the first ``k`` and their ties."""
        np_ = numpy_module()
        docs, keys = self.collection.docs, self._keys
        out: list[int] = []
        last = None
        for i in np_.argsort(keyed, kind="stable"):
            value = float(keyed[i])
            if len(out) >= k and value != last:
                break
            if accept(docs[keys[i]]):
                out.append(int(i))
                last = value
        return out

    def _exact_l2(self, query: list[float], rows: list[int]) -> list[float]:
        """Euclidean distances of ``rows`` computed from the differences (as Faiss does
        for the candidates it returns), not from the expanded product."""
        np_ = numpy_module()
        q = self._float32(query)
        with np_.errstate(all="ignore"):
            diff = self._matrix[rows] - q
            return [float(math.sqrt(float(np_.dot(d, d)))) for d in diff]

    def memory(self) -> Mapping[str, int]:
        """Bytes held: the matrix (with its spare rows and the squared norms), the raw
        float32 vectors it stands for, and the row <-> key maps (the key strings are the
        documents' own and not counted)."""
        return {
            "matrix": int(self._matrix.nbytes + self._sq.nbytes),
            "raw": int(self._n * self.dimension * 4),
            "keys": sys.getsizeof(self._keys) + sys.getsizeof(self._rows),
        }


class _VectorType(IndexType[VectorIndex]):
    name = VectorIndex.type
    index_class = VectorIndex

    def admit(self, collection: Collection) -> None:
        if not collection.db.server.vector_index:
            raise bad(
                "vector index feature is not enabled. Run ArangoDB with `--vector-index` "
                "flag turned on."
            )
        numpy_module()

    def define(self, body: dict[str, Any]) -> Definition:
        fields = validate_fields(body, "fields", 1, 1)
        check_expansion(fields, False)
        params = parse_params(body.get("params"))
        if body.get("unique") is True:
            raise bad("Vector index cannot be unique")
        options: dict[str, Any] = {"params": params}
        stored = body.get("storedValues")
        if stored is not None:
            if not isinstance(stored, list):
                raise bad("storedValues must be an array")
            if stored:
                stored = validate_fields(body, "storedValues", 1, 32)
                check_expansion(stored, False)
                options["storedValues"] = stored
        return Definition(self.name, fields, False, flag(body, "sparse", False), options)

    def same_options(self, existing: dict[str, Any], wanted: dict[str, Any]) -> bool:
        return bool(existing.get("params") == wanted.get("params"))


register(_VectorType())
