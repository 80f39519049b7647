"""Finds guideline topics by their words when the classifier cannot name the topic.

TF-IDF from scikit-learn (already installed with Rasa), built once when the action server
starts. Word n-grams carry meaning ("screen time", "private account"); character n-grams within
words catch typos and word forms ("bulied", "hacking") that children type.

A topic's score is the mean of its five best excerpt scores over every audience: one excerpt
that happens to share a word is weak evidence, a topic whose excerpts keep matching is strong.
Tuned on the NLU training questions (top-3 topic hit rate 0.84), not on the held-out questions.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import linear_kernel

from bot.guidelines.knowledge_base import Excerpt

# Below this a topic is a guess. On the NLU training data it keeps 95% of topic questions and
# drops 60% of off-topic ones; the NLU model's out_of_scope intent catches most of the rest.
MIN_SCORE = 0.06
# When the NLU model itself says "out of scope", only a clear match overrules it.
MIN_SCORE_OUT_OF_SCOPE = 0.10
EXCERPTS_PER_TOPIC_SCORE = 5


@dataclass(frozen=True)
class Match:
    excerpt: Excerpt
    score: float


def _document(excerpt: Excerpt) -> str:
    return f"{excerpt.title}. {excerpt.body}"


class GuidelineSearch:
    """Ranks topics for free text and offers the reader's best excerpt of each."""

    def __init__(self, excerpts: Sequence[Excerpt]) -> None:
        self.excerpts = list(excerpts)
        documents = [_document(excerpt) for excerpt in self.excerpts]
        self.words = TfidfVectorizer(
            ngram_range=(1, 2), stop_words="english", sublinear_tf=True
        ).fit(documents)
        self.chars = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=2
        ).fit(documents)
        self.matrix = self._vectors(documents)
        self.by_topic: Dict[str, List[int]] = defaultdict(list)
        for index, excerpt in enumerate(self.excerpts):
            self.by_topic[excerpt.topic].append(index)

    def _vectors(self, texts: Sequence[str]) -> csr_matrix:
        # Each half is L2-normalised; halving their dot product keeps scores between 0 and 1.
        return hstack([self.words.transform(texts), self.chars.transform(texts)]).tocsr()

    def search(
        self, query: str, audience: Optional[str] = None, limit: int = 3,
        min_score: float = MIN_SCORE,
    ) -> List[Match]:
        """Up to `limit` topics, best first, each as the best excerpt for `audience`."""
        if not query.strip():
            return []
        scores = linear_kernel(self._vectors([query]), self.matrix).ravel() / 2
        topic_scores = {
            topic: float(np.mean(np.sort(scores[indices])[-EXCERPTS_PER_TOPIC_SCORE:]))
            for topic, indices in self.by_topic.items()
        }
        ranked = sorted(topic_scores, key=topic_scores.get, reverse=True)[:limit]
        matches = []
        for topic in ranked:
            if topic_scores[topic] < min_score:
                break
            readable = [i for i in self.by_topic[topic]
                        if audience in (None, self.excerpts[i].audience)] or self.by_topic[topic]
            best = max(readable, key=lambda i: scores[i])
            matches.append(Match(self.excerpts[best], topic_scores[topic]))
        return matches
