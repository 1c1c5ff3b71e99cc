"""The clinic's own drawings of the stretches: simple stick figures described here as lines, curves, heads and
arrows, drawn as SVG (the website) or as PNG with Pillow (WhatsApp and Telegram, which cannot show SVG).

Nothing is fetched or copied: every drawing is made from the coordinates below, so it is licensed with the code.
The canvas is 480 by 240 units with the floor at y = 200; the PNG is drawn at twice that size.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from typing import Union

from PIL import Image, ImageDraw

Point = tuple[float, float]

WIDTH, HEIGHT = 480, 240
FLOOR_Y = 200
PNG_SCALE = 2
INK = "#1f3a5f"
ARROW_INK = "#b45309"
FLOOR_INK = "#9ca3af"
BACKGROUND = "#ffffff"
STROKE = 6
CURVE_SAMPLES = 24


@dataclass(frozen=True)
class Line:
    """A limb or the trunk: straight segments through the points."""

    points: tuple[Point, ...]


@dataclass(frozen=True)
class Curve:
    """A bent back: a quadratic curve from start to end, pulled towards the control point."""

    start: Point
    control: Point
    end: Point

    def points(self) -> list[Point]:
        (x0, y0), (x1, y1), (x2, y2) = self.start, self.control, self.end
        samples = []
        for step in range(CURVE_SAMPLES + 1):
            t = step / CURVE_SAMPLES
            a, b, c = (1 - t) ** 2, 2 * (1 - t) * t, t**2
            samples.append((a * x0 + b * x1 + c * x2, a * y0 + b * y1 + c * y2))
        return samples


@dataclass(frozen=True)
class Head:
    centre: Point
    radius: float = 14


@dataclass(frozen=True)
class Arrow:
    """Which way to move: a straight arrow from start to end, drawn in another colour."""

    start: Point
    end: Point


Shape = Union[Line, Curve, Head, Arrow]


def _lying_on_back(shapes: Sequence[Shape]) -> tuple[Shape, ...]:
    """Head and trunk of a figure lying on its back, feet to the right; the limbs are added by each pose."""
    return (Head((70, 184)), Line(((86, 190), (210, 190))), *shapes)


def _on_hands_and_knees(dx: float, back: Curve, head: Head, neck_end: Point) -> tuple[Shape, ...]:
    def moved(point: Point) -> Point:
        return (point[0] + dx, point[1])

    shoulder, hip = back.start, back.end
    return (
        Curve(moved(back.start), moved(back.control), moved(back.end)),
        Head(moved(head.centre), head.radius),
        Line((moved(shoulder), moved(neck_end))),
        Line((moved(shoulder), moved((shoulder[0], 198)))),
        Line((moved(hip), moved((hip[0], 198)), moved((hip[0] + 55, 198)))),
    )


DRAWINGS: Mapping[str, tuple[Shape, ...]] = {
    "knee_to_chest": _lying_on_back(
        [
            Line(((210, 190), (172, 136), (222, 128))),  # the knee held up to the chest
            Line(((96, 190), (132, 166), (168, 140))),  # both hands on that knee
            Line(((210, 190), (266, 142), (312, 198))),  # the other knee bent, foot flat
            Arrow((200, 112), (168, 112)),
        ]
    ),
    "knee_rolls": _lying_on_back(
        [
            Line(((100, 190), (150, 178))),  # an arm out to the side
            Line(((210, 190), (262, 168), (306, 198))),  # both knees tipped to one side
            Line(((210, 190), (254, 176), (300, 198))),
            Arrow((262, 122), (292, 150)),
        ]
    ),
    "pelvic_tilt": _lying_on_back(
        [
            Line(((100, 190), (176, 196))),  # arms by the sides
            Line(((210, 190), (262, 140), (308, 198))),  # knees bent, feet flat
            Arrow((190, 146), (190, 180)),  # the small of the back presses down
        ]
    ),
    "cat_cow": (
        # Back rounded up, head down ...
        *_on_hands_and_knees(0, Curve((60, 128), (115, 70), (170, 128)), Head((38, 158), 13), (44, 146)),
        # ... then back dipped, head up.
        *_on_hands_and_knees(240, Curve((60, 128), (115, 168), (170, 128)), Head((36, 100), 13), (44, 112)),
    ),
}


def has_drawing(drawing_id: str) -> bool:
    return drawing_id in DRAWINGS


def _number(value: float) -> str:
    return f"{value:g}"


def _arrow_head(arrow: Arrow, size: float = 12) -> tuple[Point, Point]:
    (x0, y0), (x1, y1) = arrow.start, arrow.end
    angle = math.atan2(y1 - y0, x1 - x0)
    return (
        (x1 - size * math.cos(angle - math.pi / 6), y1 - size * math.sin(angle - math.pi / 6)),
        (x1 - size * math.cos(angle + math.pi / 6), y1 - size * math.sin(angle + math.pi / 6)),
    )


def _svg_points(points: Sequence[Point]) -> str:
    return " ".join(f"{_number(x)},{_number(y)}" for x, y in points)


def svg(drawing_id: str, alt: str) -> str:
    """The drawing as an SVG document; `alt` becomes its title, so a screen reader reads the position in words."""
    shapes = DRAWINGS[drawing_id]
    body: list[str] = []
    for shape in shapes:
        if isinstance(shape, Head):
            x, y = shape.centre
            body.append(
                f'<circle cx="{_number(x)}" cy="{_number(y)}" r="{_number(shape.radius)}" fill="{BACKGROUND}"/>'
            )
        elif isinstance(shape, Line):
            body.append(f'<polyline points="{_svg_points(shape.points)}"/>')
        elif isinstance(shape, Curve):
            (x0, y0), (x1, y1), (x2, y2) = shape.start, shape.control, shape.end
            body.append(
                f'<path d="M{_number(x0)},{_number(y0)} Q{_number(x1)},{_number(y1)} {_number(x2)},{_number(y2)}"/>'
            )
        else:
            left, right = _arrow_head(shape)
            body.append(
                f'<polyline stroke="{ARROW_INK}" stroke-width="4" points="{_svg_points([shape.start, shape.end])}"/>'
                f'<polyline stroke="{ARROW_INK}" stroke-width="4" points="{_svg_points([left, shape.end, right])}"/>'
            )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
        f'role="img" aria-labelledby="title">'
        f'<title id="title">{escape(alt)}</title>'
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="{BACKGROUND}"/>'
        f'<line x1="10" y1="{FLOOR_Y}" x2="{WIDTH - 10}" y2="{FLOOR_Y}" stroke="{FLOOR_INK}" stroke-width="3"/>'
        f'<g fill="none" stroke="{INK}" stroke-width="{STROKE}" stroke-linecap="round" stroke-linejoin="round">'
        + "".join(body)
        + "</g></svg>\n"
    )


def _scaled(points: Sequence[Point]) -> list[Point]:
    return [(x * PNG_SCALE, y * PNG_SCALE) for x, y in points]


def _png_line(draw: ImageDraw.ImageDraw, points: Sequence[Point], colour: str, width: float) -> None:
    scaled = _scaled(points)
    pixels = round(width * PNG_SCALE)
    draw.line(scaled, fill=colour, width=pixels, joint="curve")
    radius = pixels / 2
    for x, y in (scaled[0], scaled[-1]):  # round ends, as in the SVG
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=colour)


def png(drawing_id: str) -> bytes:
    """The same drawing as a PNG (960 by 480 pixels), for the platforms that cannot show SVG."""
    image = Image.new("RGB", (WIDTH * PNG_SCALE, HEIGHT * PNG_SCALE), BACKGROUND)
    draw = ImageDraw.Draw(image)
    _png_line(draw, [(10, FLOOR_Y), (WIDTH - 10, FLOOR_Y)], FLOOR_INK, 3)
    for shape in DRAWINGS[drawing_id]:
        if isinstance(shape, Head):
            x, y = shape.centre
            r = shape.radius
            box = (
                (x - r - STROKE / 2) * PNG_SCALE,
                (y - r - STROKE / 2) * PNG_SCALE,
                (x + r + STROKE / 2) * PNG_SCALE,
                (y + r + STROKE / 2) * PNG_SCALE,
            )
            draw.ellipse(box, fill=BACKGROUND, outline=INK, width=STROKE * PNG_SCALE)
        elif isinstance(shape, Line):
            _png_line(draw, shape.points, INK, STROKE)
        elif isinstance(shape, Curve):
            _png_line(draw, shape.points(), INK, STROKE)
        else:
            left, right = _arrow_head(shape)
            _png_line(draw, [shape.start, shape.end], ARROW_INK, 4)
            _png_line(draw, [left, shape.end, right], ARROW_INK, 4)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
