"""Guideline excerpts and platform tips, read from data/guidelines and validated by its schemas.

One file per topic keeps each topic's excerpts reviewable on their own; the file order within an
audience and age band is the order the assistant shows them in ("Tell me more" pages through it).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from bot.data_files import load_validated

GUIDELINES = Path(__file__).resolve().parents[2] / "data" / "guidelines"
SCHEMA_FILE = GUIDELINES / "schema.json"
PLATFORMS = GUIDELINES / "platforms"
PLATFORM_SCHEMA_FILE = PLATFORMS / "schema.json"
AUDIENCES = ("child", "parent", "educator")
AGE_BANDS = ("under-9", "9-12", "13-18")
# Unknown age: the 9-12 version is written plainly (grade 6 at most) without talking down to
# younger teens; the under-9 version only exists for some topics.
DEFAULT_AGE_BAND = "9-12"
TIP_KINDS = ("block", "report", "private")


@dataclass(frozen=True)
class Source:
    document: str
    section: str
    url: Optional[str] = None

    def citation(self) -> str:
        return f"{self.document}, {self.section}"


@dataclass(frozen=True)
class Excerpt:
    id: str
    topic: str
    audience: str
    language: str
    title: str
    text: str
    source: Source
    ages: Optional[str] = None
    steps: Tuple[str, ...] = ()
    platforms: Tuple[str, ...] = ()

    @property
    def body(self) -> str:
        """What a reader reads (title aside): the text, then each step as a sentence."""
        return " ".join([self.text, *self.steps])


@dataclass(frozen=True)
class PlatformTip:
    platform: str
    platform_name: str
    kind: str
    title: str
    steps: Tuple[str, ...]
    source: str
    checked: str
    note: Optional[str] = None


def age_band(age: Optional[object]) -> Optional[str]:
    """The ITU children's guidelines' age band for an age in years, if it is one."""
    try:
        years = int(str(age).strip())
    except (TypeError, ValueError):
        return None
    if years < 0 or years > 18:
        return None
    return "under-9" if years < 9 else "9-12" if years <= 12 else "13-18"


def _excerpt(raw: Dict) -> Excerpt:
    return Excerpt(
        id=raw["id"], topic=raw["topic"], audience=raw["audience"], language=raw["language"],
        title=raw["title"].strip(), text=" ".join(raw["text"].split()),
        source=Source(**raw["source"]), ages=raw.get("ages"),
        steps=tuple(" ".join(step.split()) for step in raw.get("steps", ())),
        platforms=tuple(raw.get("platforms", ())),
    )


def load_topic_file(path: Path) -> List[Excerpt]:
    """One topic's excerpts; raises ValueError when the file breaks the schema or its own topic."""
    data = load_validated(path, SCHEMA_FILE)
    expected = "ask_" + path.stem
    if data["topic"] != expected:
        raise ValueError(f"{path.name}: topic {data['topic']!r}, the file name says {expected!r}")
    excerpts = [_excerpt(raw) for raw in data["excerpts"]]
    strays = [excerpt.id for excerpt in excerpts if excerpt.topic != expected]
    if strays:
        raise ValueError(f"{path.name}: excerpts of another topic: {', '.join(strays)}")
    return excerpts


def load_platform_file(path: Path) -> List[PlatformTip]:
    data = load_validated(path, PLATFORM_SCHEMA_FILE)
    if data["platform"] != path.stem:
        raise ValueError(f"{path.name}: platform {data['platform']!r} does not match the file name")
    return [
        PlatformTip(
            platform=data["platform"], platform_name=data["name"], kind=kind, title=tip["title"],
            steps=tuple(tip["steps"]), source=tip["source"], checked=tip["checked"],
            note=tip.get("note"),
        )
        for kind, tip in data["tips"].items()
    ]


@dataclass(frozen=True)
class KnowledgeBase:
    excerpts: Tuple[Excerpt, ...]
    tips: Dict[Tuple[str, str], PlatformTip] = field(default_factory=dict)

    @classmethod
    def load(cls, directory: Path = GUIDELINES) -> "KnowledgeBase":
        excerpts = [e for path in sorted(directory.glob("*.yml")) for e in load_topic_file(path)]
        duplicates = sorted(i for i, n in Counter(e.id for e in excerpts).items() if n > 1)
        if duplicates:
            raise ValueError(f"excerpt ids used more than once: {', '.join(duplicates)}")
        tips = {
            (tip.platform, tip.kind): tip
            for path in sorted((directory / "platforms").glob("*.yml"))
            for tip in load_platform_file(path)
        }
        return cls(tuple(excerpts), tips)

    def by_id(self, excerpt_id: str) -> Optional[Excerpt]:
        return next((e for e in self.excerpts if e.id == excerpt_id), None)

    def for_reader(
        self, topic: str, audience: str, band: Optional[str], language: str = "en"
    ) -> List[Excerpt]:
        """The topic's excerpts in the order this reader should see them.

        Their own audience (and age band for children) first, in file order; then, so "Tell me
        more" still has something to give, the nearest other versions: other child bands for a
        child (never adult text to a child), the other adult audience for a parent or educator.
        """
        pool = [e for e in self.excerpts if e.topic == topic and e.language == language]
        if audience == "child":
            order = _band_order(band or DEFAULT_AGE_BAND)
            children = [e for e in pool if e.audience == "child"]
            return sorted(children, key=lambda e: order.index(e.ages))
        others = [a for a in ("parent", "educator") if a != audience]
        ranked = [audience, *others]
        adults = [e for e in pool if e.audience in ranked]
        return sorted(adults, key=lambda e: ranked.index(e.audience))

    def tips_for(self, platform: str, kinds: Iterable[str]) -> List[PlatformTip]:
        return [self.tips[(platform, kind)] for kind in kinds if (platform, kind) in self.tips]


def _band_order(band: str) -> Sequence[str]:
    """Nearest band first: a 13-18 reader gets 9-12 next, a 9-12 reader under-9 before 13-18."""
    position = AGE_BANDS.index(band)
    return sorted(AGE_BANDS, key=lambda other: (abs(AGE_BANDS.index(other) - position),
                                                AGE_BANDS.index(other)))
