"""The guideline knowledge base as data: schema, coverage, readability, sources, ordering, search."""
from __future__ import annotations

import datetime
import re
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

from bot.guidelines import coverage, readability
from bot.guidelines.knowledge_base import (
    GUIDELINES, PLATFORMS, KnowledgeBase, age_band, load_platform_file, load_topic_file,
)
from bot.guidelines.search import GuidelineSearch

TOPIC_FILES = sorted(GUIDELINES.glob("*.yml"))
PLATFORM_FILES = sorted(PLATFORMS.glob("*.yml"))
HELD_OUT_QUESTIONS = Path(__file__).parent / "guidelines" / "retrieval_heldout.yml"
# Each platform's help pages live on its own (or its owner's) domain.
HELP_DOMAINS = {
    "instagram": ("instagram.com", "facebook.com"), "tiktok": ("tiktok.com",),
    "snapchat": ("snapchat.com", "snap.com"), "whatsapp": ("whatsapp.com",), "roblox": ("roblox.com",),
    "minecraft": ("minecraft.net", "xbox.com", "microsoft.com"),
    "fortnite": ("epicgames.com", "fortnite.com"), "discord": ("discord.com",),
    "youtube": ("youtube.com", "google.com"),
}
MIN_TOP3_HIT_RATE = 0.80


@pytest.fixture(scope="module")
def knowledge() -> KnowledgeBase:
    return KnowledgeBase.load()


@pytest.mark.parametrize("path", TOPIC_FILES, ids=lambda path: path.name)
def test_every_topic_file_matches_the_schema(path):
    assert load_topic_file(path)  # raises with the failing field


@pytest.mark.parametrize("path", PLATFORM_FILES, ids=lambda path: path.name)
def test_every_platform_tip_cites_the_platforms_own_help_page(path):
    for tip in load_platform_file(path):
        host = urlparse(tip.source).hostname or ""
        assert host.endswith(HELP_DOMAINS[tip.platform]), (tip.platform, tip.kind, tip.source)
        assert datetime.date.fromisoformat(tip.checked) <= datetime.date.today()


def test_a_broken_file_is_refused_with_the_failing_field(tmp_path):
    broken = tmp_path / "gaming.yml"
    broken.write_text(yaml.safe_dump({"topic": "ask_gaming", "excerpts": [{
        "id": "gaming-x", "topic": "ask_gaming", "audience": "child", "language": "en",
        "title": "Games", "text": "Play games with people you know.",
        "source": {"document": "ITU Guidelines for children on Child Online Protection (2020)",
                   "section": "Gaming"}}]}))
    with pytest.raises(ValueError, match="ages"):
        load_topic_file(broken)


def test_every_topic_audience_and_age_band_has_enough_excerpts(knowledge):
    table = coverage.counts(knowledge)
    for topic in coverage.TOPICS:
        print(topic, {f"{a} {b}".strip(): n for (t, a, b), n in sorted(table.items()) if t == topic})
    print(f"{len(knowledge.excerpts)} excerpts, {len(knowledge.tips)} platform tips")
    assert coverage.gaps(knowledge) == []
    assert len(knowledge.excerpts) >= 170


def test_childrens_excerpts_are_short_and_easy_to_read(knowledge):
    for band in ("under-9", "9-12", "13-18"):
        grades = [readability.grade(e) for e in knowledge.excerpts if e.ages == band]
        words = [readability.word_count(e) for e in knowledge.excerpts if e.ages == band]
        print(f"{band}: grade max {max(grades):.1f} mean {sum(grades) / len(grades):.1f}; "
              f"words max {max(words)}")
    problems = [p for excerpt in knowledge.excerpts for p in readability.problems(excerpt)]
    assert problems == []


def test_readability_limits_catch_hard_text(knowledge):
    child = next(e for e in knowledge.excerpts if e.ages == "under-9")
    hard = type(child)(**{**child.__dict__, "text": "Unauthorised dissemination of personally "
                          "identifiable information constitutes a considerable vulnerability.",
                          "steps": ()})
    assert any("reading grade" in problem for problem in readability.problems(hard))


def test_childrens_excerpts_never_blame_the_child(knowledge):
    blaming = re.compile(r"\b(your own fault|you should have known|you were stupid|shame on you)\b", re.I)
    for excerpt in knowledge.excerpts:
        if excerpt.audience == "child":
            assert not blaming.search(excerpt.body), excerpt.id


def test_excerpts_carry_no_phone_numbers(knowledge):
    """Numbers are facts kept, sourced and dated, in the helpline directory only."""
    for excerpt in knowledge.excerpts:
        assert not re.search(r"\d[\d ]{5,}\d", excerpt.body), excerpt.id


@pytest.mark.parametrize("age,band", [(7, "under-9"), ("9", "9-12"), (12, "9-12"), (13, "13-18"),
                                      ("seventeen", None), (35, None), (None, None)])
def test_age_maps_to_the_itu_age_bands(age, band):
    assert age_band(age) == band


def test_a_child_never_gets_adult_text_and_sees_their_own_band_first(knowledge):
    teen = knowledge.for_reader("ask_cyberbullying", "child", "13-18")
    assert {e.audience for e in teen} == {"child"}
    assert teen[0].ages == "13-18" and teen[-1].ages != "13-18"
    unknown = knowledge.for_reader("ask_gaming", "child", None)
    assert unknown[0].ages == "9-12"


def test_parents_see_parent_versions_before_the_educators(knowledge):
    parent = knowledge.for_reader("ask_screen_time", "parent", None)
    audiences = [e.audience for e in parent]
    assert audiences[0] == "parent" and "child" not in audiences
    assert audiences == sorted(audiences, key=["parent", "educator"].index)


def test_held_out_questions_find_their_topic_in_the_top_three(knowledge):
    """The questions were written without seeing the excerpts or the NLU training data."""
    questions = yaml.safe_load(HELD_OUT_QUESTIONS.read_text())["questions"]
    search = GuidelineSearch(knowledge.excerpts)
    hits = [q["topic"] in [m.excerpt.topic for m in search.search(q["text"], audience=q["audience"])]
            for q in questions]
    rate = sum(hits) / len(hits)
    print(f"retrieval top-3 hit rate {rate:.3f} on {len(hits)} held-out questions")
    assert rate >= MIN_TOP3_HIT_RATE


@pytest.mark.parametrize("question", ["how do i bake a chocolate cake", "qwxz plorf 77 zzkk", ""])
def test_questions_about_nothing_we_know_find_nothing(knowledge, question):
    assert GuidelineSearch(knowledge.excerpts).search(question) == []
