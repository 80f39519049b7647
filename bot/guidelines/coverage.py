"""Which topic, audience and age band combinations have too few excerpts.

Every topic needs at least three excerpts for children 9-12 and 13-18, parents and educators;
the topics that matter most to young children need them for under-9s too. "Tell me more" pages
through them, so three gives a reader two more before the topic runs out.
"""
from __future__ import annotations

from collections import Counter
from typing import Dict, List, Tuple

from bot.guidelines.knowledge_base import KnowledgeBase

MIN_PER_READER = 3
READERS: Tuple[Tuple[str, str], ...] = (
    ("child", "9-12"), ("child", "13-18"), ("parent", ""), ("educator", ""),
)
UNDER_9_TOPICS = (
    "ask_privacy", "ask_stranger_contact", "ask_harmful_content", "ask_gaming",
    "ask_screen_time", "ask_reporting",
)
TOPICS = (
    "ask_cyberbullying", "ask_stranger_contact", "ask_sharing_images", "ask_privacy",
    "ask_harmful_content", "ask_gaming", "ask_scams", "ask_account_hacked", "ask_screen_time",
    "ask_parental_controls", "ask_talk_to_child", "ask_reporting", "ask_digital_footprint",
    "ask_social_media_age",
)
PLATFORMS = ("instagram", "tiktok", "snapchat", "whatsapp", "roblox", "minecraft", "fortnite",
             "discord", "youtube")


def counts(knowledge: KnowledgeBase) -> Dict[Tuple[str, str, str], int]:
    """Excerpts per (topic, audience, age band or "")."""
    return dict(Counter((e.topic, e.audience, e.ages or "") for e in knowledge.excerpts))


def required() -> List[Tuple[str, str, str]]:
    needed = [(topic, audience, band) for topic in TOPICS for audience, band in READERS]
    return needed + [(topic, "child", "under-9") for topic in UNDER_9_TOPICS]


def gaps(knowledge: KnowledgeBase) -> List[str]:
    have = counts(knowledge)
    found = [
        f"{topic} {audience} {band}".rstrip() + f": {have.get((topic, audience, band), 0)} "
        f"excerpts, at least {MIN_PER_READER} needed"
        for topic, audience, band in required()
        if have.get((topic, audience, band), 0) < MIN_PER_READER
    ]
    found += [
        f"{platform}: no '{kind}' tip"
        for platform in PLATFORMS for kind in ("block", "report", "private")
        if (platform, kind) not in knowledge.tips
    ]
    return found
