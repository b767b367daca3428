"""The claim being built, and its JSON form."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kb.extract.entities import ANON, Entity


@dataclass
class Speaker:
    start: int
    end: int
    text: str                 # the mention as written ("He")
    entity: Entity | None     # what it resolves to; None leaves the mention as the name

    def to_json(self) -> dict[str, Any]:
        name = self.entity.name if self.entity else self.text
        type_ = self.entity.type if self.entity else ANON
        return {"name": name, "start": self.start, "end": self.end, "type": type_}


@dataclass
class Cue:
    start: int
    end: int
    text: str

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "start": self.start, "end": self.end}


@dataclass
class Claim:
    kind: str
    spans: list[tuple[int, int]]
    sentence: int
    speaker: Speaker | None = None
    cue: Cue | None = None
    confidence: float = 0.5
    addressee: Entity | None = None
    medium: str | None = None
    venue: str | None = None
    place: str | None = None
    via: Entity | None = None
    date: str | None = None
    # Where the context came from: this sentence, or carried over from the speaker's frame.
    context: dict[str, str] = field(default_factory=dict)

    @property
    def start(self) -> int:
        return self.spans[0][0]

    @property
    def end(self) -> int:
        return self.spans[-1][1]

    def to_json(self, text: str) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": self.kind,
            "text": " ".join(text[a:b] for a, b in self.spans),
            "start": self.start,
            "end": self.end,
        }
        if len(self.spans) > 1:
            out["spans"] = [[a, b] for a, b in self.spans]
        out["speaker"] = self.speaker.to_json() if self.speaker else None
        out["cue"] = self.cue.to_json() if self.cue else None
        out["addressee"] = self.addressee.name if self.addressee else None
        out["medium"] = self.medium
        out["venue"] = self.venue
        out["place"] = self.place
        out["via"] = self.via.name if self.via else None
        out["date"] = self.date
        out["confidence"] = round(self.confidence, 2)
        return out
