"""The body map ("lichaamskaart") of a signal form: where on the body an injury was seen.

One geometry serves both the SVG the form shows (front and back of a child's outline; clicking a
part ticks its checkbox and places a mark) and the PNG the portal renders on submit and sends to
signals as the signal's `lichaamskaart` attachment. The checkboxes are the keyboard's way in.
"""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass
from typing import Literal

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 270, 290
"""The SVG's viewBox (the back figure is drawn 140 to the right of the front)."""
BACK_OFFSET = 140
MAX_MARKS = 40

BODY_REGIONS: tuple[tuple[str, str], ...] = (
    ("hoofd", "Hoofd"),
    ("gezicht", "Gezicht"),
    ("hals", "Hals"),
    ("borst", "Borst"),
    ("buik", "Buik"),
    ("rug", "Rug"),
    ("billen", "Billen"),
    ("arm_links", "Arm links"),
    ("arm_rechts", "Arm rechts"),
    ("handen", "Handen"),
    ("benen", "Benen"),
    ("voeten", "Voeten"),
)
REGION_LABELS = dict(BODY_REGIONS)


@dataclass(frozen=True)
class Shape:
    region: str
    kind: Literal["circle", "rect", "ellipse"]
    x: float
    y: float
    w: float
    h: float
    """A circle or ellipse: centre (x, y) and radii (w, h); a rect: corner and size."""

    def moved(self, dx: float) -> Shape:
        return Shape(self.region, self.kind, self.x + dx, self.y, self.w, self.h)

    def box(self) -> tuple[float, float, float, float]:
        if self.kind == "rect":
            return (self.x, self.y, self.x + self.w, self.y + self.h)
        return (self.x - self.w, self.y - self.h, self.x + self.w, self.y + self.h)


def _figure(head: str, upper: str, lower: str, viewer_left_arm: str, viewer_right_arm: str) -> list[Shape]:
    return [
        Shape(head, "circle", 60, 40, 18, 18),
        Shape("hals", "rect", 53, 58, 14, 10),
        Shape(upper, "rect", 36, 68, 48, 42),
        Shape(lower, "rect", 36, 110, 48, 40),
        Shape(viewer_left_arm, "rect", 16, 70, 18, 72),
        Shape(viewer_right_arm, "rect", 86, 70, 18, 72),
        Shape("handen", "circle", 25, 152, 9, 9),
        Shape("handen", "circle", 95, 152, 9, 9),
        Shape("benen", "rect", 38, 152, 20, 94),
        Shape("benen", "rect", 62, 152, 20, 94),
        Shape("voeten", "ellipse", 46, 254, 12, 6),
        Shape("voeten", "ellipse", 74, 254, 12, 6),
    ]


FRONT = tuple(_figure("gezicht", "borst", "buik", "arm_rechts", "arm_links"))
"""Seen from the front: the child's right arm is on the viewer's left."""
BACK = tuple(s.moved(BACK_OFFSET) for s in _figure("hoofd", "rug", "billen", "arm_links", "arm_rechts"))


@dataclass(frozen=True)
class BodyMap:
    regions: tuple[str, ...]
    marks: tuple[tuple[float, float], ...]

    @property
    def empty(self) -> bool:
        return not self.regions and not self.marks

    @classmethod
    def parse(cls, regions: list[str], marks: str) -> BodyMap:
        """What the form sent: known regions only; marks as `x,y;x,y` within the drawing (others dropped)."""
        chosen = tuple(r for r, _ in BODY_REGIONS if r in set(regions))
        points: list[tuple[float, float]] = []
        for pair in marks.split(";")[:MAX_MARKS]:
            x_text, _, y_text = pair.partition(",")
            try:
                x, y = float(x_text), float(y_text)
            except ValueError:
                continue
            if 0 <= x <= WIDTH and 0 <= y <= HEIGHT:
                points.append((round(x, 1), round(y, 1)))
        return cls(chosen, tuple(points))

    def marks_text(self) -> str:
        return ";".join(f"{x:g},{y:g}" for x, y in self.marks)

    def png(self, scale: int = 3) -> bytes:
        """The drawing as a PNG: the outline, the chosen parts shaded, the marks, and the parts named."""
        named = ", ".join(REGION_LABELS[r] for r in self.regions) or "geen lichaamsdeel aangevinkt"
        legend = [*textwrap.wrap(f"Lichaamsdelen: {named}", 60), f"Markeringen: {len(self.marks)}"]
        image = Image.new("RGB", (WIDTH * scale, (HEIGHT + 4 + 10 * len(legend)) * scale), "white")
        draw = ImageDraw.Draw(image)
        font = ImageFont.load_default(size=7 * scale)
        for shape in (*FRONT, *BACK):
            box = tuple(v * scale for v in shape.box())
            fill = "#f4b6b6" if shape.region in self.regions else "#f2f2f2"
            if shape.kind == "rect":
                draw.rectangle(box, fill=fill, outline="#333333", width=scale)
            else:
                draw.ellipse(box, fill=fill, outline="#333333", width=scale)
        draw.text((60 * scale, 8 * scale), "Voorkant", fill="black", font=font, anchor="mm")
        draw.text(((60 + BACK_OFFSET) * scale, 8 * scale), "Achterkant", fill="black", font=font, anchor="mm")
        for x, y in self.marks:
            r = 4 * scale
            draw.ellipse(
                (x * scale - r, y * scale - r, x * scale + r, y * scale + r), fill="#c00000", outline="black"
            )
        for line_number, line in enumerate(legend):
            draw.text((6 * scale, (HEIGHT + 2 + 10 * line_number) * scale), line, fill="black", font=font)
        out = io.BytesIO()
        image.save(out, format="PNG")
        return out.getvalue()
