"""A statistical tagger for the personal data that rules miss: names, account names, schools and
addresses, learnt from the labelled messages in data/privacy/labelled/.

Rules reach their targets on the messages they were tuned on but not on new ones: an unseen
file measured names at 91.5% and address lines at 60%. A linear-chain CRF (crfsuite, which Rasa
already brings for its own entity extractor) learns from the words around a piece of data and
from what the words are: known first and family names, towns, how rare a word is in English,
apps and brands that are never people, street and school words, the shape of a handle. It does
not see what the rules found, so it learns to find data on its own and its finds are added to
theirs (trained on the rules' output, it only learnt to copy them).

Training takes under a minute, so the model is not committed: it is trained on first use and
kept under `var/redaction/` (or `REDACTION_MODEL_DIR`), named by a hash of everything it is
learnt from, so a change of labelled data, word lists or features trains a new one.
"""
from __future__ import annotations

import fcntl
import hashlib
import itertools
import logging
import os
import tempfile
import threading
from pathlib import Path
from typing import Dict, Iterable, List, Sequence

import pycrfsuite
from spacy.language import Language
from spacy.tokens import Doc

from bot.privacy.spans import LabelledMessage, Span, read_labelled
from bot.privacy.vocabulary import Vocabulary, case_is_noise, looks_like_handle

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
LABELLED_DIR = ROOT / "data" / "privacy" / "labelled"
MODEL_DIR = Path(os.environ.get("REDACTION_MODEL_DIR", ROOT / "var" / "redaction"))
# The kinds the tagger learns; emails and phone numbers are found by pattern without a miss.
TAGGED_KINDS = ("name", "username", "school", "address")
# What the tagger's model is learnt from: a change to any of these trains a new model.
MODEL_INPUTS = (Path(__file__), ROOT / "bot" / "privacy" / "vocabulary.py",
                ROOT / "data" / "privacy")
# L1 and L2 weights and iterations: chosen on the file left out when training on the others
# (README, "Privacy"); L1 keeps the model small, L2 keeps rare features from deciding alone.
TRAINING_PARAMS = {"c1": 0.05, "c2": 0.1, "max_iterations": 150,
                   "feature.possible_transitions": True}
CONTEXT = (-2, -1, 1, 2)
# Features of a neighbouring word that help decide about this one ("my friend ___", "___ Road").
CONTEXT_FEATURES = ("word=", "shape=", "rarity=", "title", "first_name", "surname", "not_person",
                    "place", "town", "place_word", "school_type", "number", "handle")


def _shape(text: str) -> str:
    """"Xx", "xd", "X.X.": the kinds of characters in order, repeats squeezed."""
    kinds = ("X" if c.isupper() else "x" if c.islower() else "d" if c.isdigit() else c
             for c in text)
    return "".join(kind for kind, _ in itertools.groupby(kinds))[:6]


def _word_features(doc: Doc, vocabulary: Vocabulary) -> List[Dict[str, float]]:
    features = []
    for token in doc:
        lower = token.lower_
        word = {"bias": 1.0, f"word={lower}": 1.0, f"prefix={lower[:3]}": 1.0,
                f"suffix={lower[-3:]}": 1.0, f"shape={_shape(token.text)}": 1.0,
                f"rarity={int(max(vocabulary.word_logprob(lower), -20))}": 1.0}
        flags = {"title": token.is_title, "upper": token.is_upper, "number": token.like_num,
                 "punct": token.is_punct, "stop": token.is_stop,
                 "first_name": lower in vocabulary.names.first_names,
                 "surname": lower in vocabulary.names.surnames,
                 "not_person": vocabulary.not_a_person(token), "place": lower in vocabulary.places,
                 "town": lower in vocabulary.towns,
                 "place_word": lower in vocabulary.place_words,
                 "school_type": lower in vocabulary.school_types,
                 "handle": looks_like_handle(token)}
        word.update({flag: 1.0 for flag, on in flags.items() if on})
        features.append(word)
    return features


def token_features(doc: Doc, vocabulary: Vocabulary) -> List[Dict[str, float]]:
    """Each token's features: its own, and some of its neighbours' two either side."""
    words = _word_features(doc, vocabulary)
    noisy_case = case_is_noise(doc)
    features = []
    for i, own in enumerate(words):
        token = dict(own)
        if noisy_case:
            token["case_is_noise"] = 1.0
        for offset in CONTEXT:
            j = i + offset
            if not 0 <= j < len(words):
                token[f"{offset}:edge"] = 1.0
                continue
            token.update({f"{offset}:{name}": 1.0 for name in words[j]
                          if name.startswith(CONTEXT_FEATURES)})
        features.append(token)
    return features


def bio_labels(doc: Doc, spans: Iterable[Span]) -> List[str]:
    """"B-name", "I-name", "O" for each token; a token partly inside a span is inside it."""
    labels = ["O"] * len(doc)
    for span in spans:
        if span.kind not in TAGGED_KINDS:
            continue
        inside = [token.i for token in doc
                  if token.idx < span.end and token.idx + len(token) > span.start]
        for position, i in enumerate(inside):
            labels[i] = ("B-" if position == 0 else "I-") + span.kind
    return labels


def spans_from_labels(doc: Doc, labels: Sequence[str]) -> List[Span]:
    """The spans that BIO labels mark; an "I-" after another kind starts a new span."""
    spans: List[Span] = []
    for token, label in zip(doc, labels):
        if label == "O":
            continue
        begins, kind = label.split("-", 1)
        previous = spans[-1] if spans else None
        if begins == "I" and previous and previous.kind == kind \
                and token.i > 0 and labels[token.i - 1] != "O":
            spans[-1] = Span(previous.start, token.idx + len(token), kind)
        else:
            spans.append(Span(token.idx, token.idx + len(token), kind))
    return spans


class PersonalDataTagger:
    """Finds names, account names, schools and addresses with a trained CRF model."""

    def __init__(self, model_file: Path, vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary
        self.model_file = model_file
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open(str(model_file))
        # A crfsuite tagger keeps state between calls; the redactor may be shared by threads.
        self._lock = threading.Lock()

    def find(self, doc: Doc) -> List[Span]:
        if not len(doc):
            return []
        features = token_features(doc, self.vocabulary)
        with self._lock:
            labels = self._tagger.tag(features)
        return spans_from_labels(doc, labels)


def train(messages: Iterable[LabelledMessage], nlp: Language, vocabulary: Vocabulary,
          model_file: Path) -> None:
    """Trains a model on `messages` and writes it to `model_file`."""
    trainer = pycrfsuite.Trainer(verbose=False)
    for message in messages:
        doc = nlp.make_doc(message.text)
        trainer.append(token_features(doc, vocabulary), bio_labels(doc, message.spans))
    trainer.set_params(TRAINING_PARAMS)
    trainer.train(str(model_file))


def labelled_files(directory: Path = LABELLED_DIR) -> List[Path]:
    return sorted(directory.glob("*.yml"))


def _inputs_digest(files: Sequence[Path]) -> str:
    """A hash of the training files and of everything else the model depends on."""
    digest = hashlib.sha256(repr(sorted(TRAINING_PARAMS.items())).encode())
    for path in files:
        digest.update(b"training file\0" + path.read_bytes())
    inputs = set()
    for item in MODEL_INPUTS:
        inputs.update(item.rglob("*") if item.is_dir() else [item])
    # Labelled files count only as training files: those hashed above.
    for path in sorted(p for p in inputs if p.is_file() and LABELLED_DIR not in p.parents):
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def trained_tagger(nlp: Language, vocabulary: Vocabulary,
                   files: Sequence[Path] = (), model_dir: Path = MODEL_DIR) -> PersonalDataTagger:
    """The tagger learnt from `files` (default: every labelled file), trained now unless a model
    of the same inputs is already in `model_dir`. Processes starting together (Sanic workers)
    wait for one another's training through a lock file instead of training twice."""
    files = list(files) or labelled_files()
    model_dir.mkdir(parents=True, exist_ok=True)
    model_file = model_dir / f"tagger-{_inputs_digest(files)}.crfsuite"
    with open(model_dir / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not model_file.exists():
            logger.info("Training the redaction tagger on %d labelled files", len(files))
            handle, partial = tempfile.mkstemp(dir=model_dir, suffix=".partial")
            os.close(handle)
            try:
                train((message for path in files for message in read_labelled(path)),
                      nlp, vocabulary, Path(partial))
                os.replace(partial, model_file)
            finally:
                Path(partial).unlink(missing_ok=True)
            for old_model in model_dir.glob("tagger-*.crfsuite"):
                if old_model != model_file:
                    old_model.unlink()  # learnt from data or code that is gone
    return PersonalDataTagger(model_file, vocabulary)
