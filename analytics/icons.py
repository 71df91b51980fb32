"""Making Data Count variation and assurance icons, drawn as small SVGs.

The standard icons are circles: grey for common cause, blue for improvement, orange for
concern, purple for neutral, with an H or L for the side of the signal; assurance circles
carry P (consistently passes), F (consistently fails) or ? (hit and miss). They are plain
strings (data URIs), so the dashboard, the HTML report and the PDF use the same pictures.
"""

from __future__ import annotations

import base64

PALETTE = {
    "common_cause": "#7b7d7d",
    "improvement": "#289de0",
    "concern": "#fab428",
    "neutral": "#361475",
    "target": "#de1b1b",
    "value_line": "#7b7d7d",
    "mean_line": "#000000",
}
POINT_COLOURS = {
    "common_cause": PALETTE["common_cause"],
    "special_cause_improvement": PALETTE["improvement"],
    "special_cause_concern": PALETTE["concern"],
    "special_cause_neutral_high": PALETTE["neutral"],
    "special_cause_neutral_low": PALETTE["neutral"],
}
VARIATION_ICONS = {
    "common_cause": ("common_cause", ""),
    "improvement_high": ("improvement", "H"),
    "improvement_low": ("improvement", "L"),
    "concern_high": ("concern", "H"),
    "concern_low": ("concern", "L"),
    "neutral_high": ("neutral", "H"),
    "neutral_low": ("neutral", "L"),
    "too_few_points": ("common_cause", "–"),      # the month alone in its cycle: no limits to judge it by
}
ASSURANCE_ICONS = {
    "consistent_pass": ("improvement", "P"),
    "consistent_fail": ("concern", "F"),
    "hit_and_miss": ("common_cause", "?"),
}


def _circle(colour: str, letter: str) -> str:
    dots = ""
    if not letter:  # common cause: a grey ring with a flat run of dots
        dots = "".join(f'<circle cx="{x}" cy="20" r="2.6" fill="{colour}"/>' for x in (11, 17, 23, 29))
    text = (f'<text x="20" y="26.5" font-family="Arial, sans-serif" font-size="18" font-weight="bold" '
            f'text-anchor="middle" fill="{colour}">{letter}</text>') if letter else ""
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40" viewBox="0 0 40 40">'
            f'<circle cx="20" cy="20" r="17" fill="white" stroke="{colour}" stroke-width="3.5"/>{dots}{text}</svg>')


def variation_svg(variation: str | None) -> str | None:
    if variation not in VARIATION_ICONS:
        return None
    kind, letter = VARIATION_ICONS[variation]
    return _circle(PALETTE[kind], letter)


def assurance_svg(assurance: str | None) -> str | None:
    if assurance not in ASSURANCE_ICONS:
        return None
    kind, letter = ASSURANCE_ICONS[assurance]
    return _circle(PALETTE[kind], letter)


BADGE_HEIGHT = 30


def badge_width(text: str) -> int:
    """A status badge's width in px: the text's, counting a Chinese character as two Latin ones."""
    return 20 + 9 * sum(2 if ord(c) > 0x2E80 else 1 for c in text)


def badge_svg(text: str, fill: str) -> str:
    """A rounded label in a cell colour (the scorecard's status): a picture, so the table can show
    the colour without styling 2,000 cells on every rerun. Width follows the text, counting a
    Chinese character as two Latin ones."""
    from html import escape

    width = badge_width(text)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{BADGE_HEIGHT}" viewBox="0 0 {width} {BADGE_HEIGHT}">'
            f'<rect x="1" y="2" width="{width - 2}" height="26" rx="13" fill="{fill}"/>'
            f'<text x="{width / 2}" y="20.5" font-family="Source Sans Pro, Noto Sans CJK SC, Microsoft YaHei, '
            f'PingFang SC, sans-serif" font-size="15" text-anchor="middle" fill="#262730">{escape(text)}</text></svg>')


def data_uri(svg: str | None) -> str | None:
    if svg is None:
        return None
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
