"""Deterministic crisis detection over spaCy tokens and lemmas.

A statistical classifier can be unsure about a child writing "he says hell send my pics to
evry1 if i dont pay"; a missed disclosure is the worst error this assistant can make. This
detector gives a second, predictable opinion: crisis kinds are defined in a data file as
combinations of concepts, and each concept as spaCy Matcher token patterns (regexes on lower
case text and lemmas absorb misspellings and inflections).

A kind fires when every concept of at least one of its combinations is found in the message,
for example sextortion = INTIMATE_IMAGE + THREAT, or a single strong phrase such as
"kill myself". A message that only names a concept in general terms ("what is sextortion?")
does not fire: the `blockers` of a kind are concepts that mark a general question.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Dict, FrozenSet, List, Optional, Sequence

import yaml
from spacy.matcher import Matcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

PATTERNS_FILE = Path(__file__).with_name("crisis_patterns.yml")


@dataclass(frozen=True)
class CrisisRule:
    """One crisis kind: it fires on any of `combinations` unless a `blocker` concept is present."""

    kind: str
    combinations: Sequence[FrozenSet[str]]
    blockers: FrozenSet[str]

    def fires(self, found: FrozenSet[str]) -> bool:
        if found & self.blockers:
            return False
        return any(combination <= found for combination in self.combinations)


class CrisisDetector:
    """Finds crisis kinds (self_harm, abuse, sextortion) in a tokenised, lemmatised message."""

    def __init__(self, vocab: Vocab, concepts: Dict[str, List[list]], rules: List[CrisisRule]):
        self.vocab = vocab
        self.rules = rules
        self.matcher = Matcher(vocab, validate=True)
        for concept, patterns in concepts.items():
            self.matcher.add(concept, patterns)

    @classmethod
    def from_file(cls, vocab: Vocab, path: Path = PATTERNS_FILE) -> "CrisisDetector":
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        concepts = spec["concepts"]
        rules = []
        for kind, rule in spec["kinds"].items():
            combinations = [frozenset(combination) for combination in rule["any_of"]]
            blockers = frozenset(rule.get("unless", []))
            unknown = set().union(*combinations, blockers) - set(concepts)
            if unknown:
                raise ValueError(f"{path}: kind {kind} names unknown concepts {sorted(unknown)}")
            rules.append(CrisisRule(kind, combinations, blockers))
        return cls(vocab, concepts, rules)

    def concepts(self, doc: Doc) -> FrozenSet[str]:
        """The concepts found in `doc` (useful to explain a decision to moderators and tests)."""
        return frozenset(self.vocab.strings[match_id] for match_id, _, _ in self.matcher(doc))

    def detect(self, doc: Doc) -> List[str]:
        """Crisis kinds found in `doc`, most specific first (the order of the patterns file)."""
        found = self.concepts(doc)
        return [rule.kind for rule in self.rules if rule.fires(found)]

    def first(self, doc: Doc) -> Optional[str]:
        kinds = self.detect(doc)
        return kinds[0] if kinds else None
