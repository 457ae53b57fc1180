"""The look holds for everyone: every colour pair the app draws meets WCAG 2.2 AA, a dark
system theme does not turn the app dark text on dark, high contrast is followed, and text
is sized from the system's font."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from PySide6.QtGui import QImage, QPalette

from ui.a11y import contrast_ratio
from ui.style import COLOURS, CONTRAST_PAIRS, FOCUS_PAIRS, palette, stylesheet

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("ink, ground", CONTRAST_PAIRS)
def test_text_colours_meet_wcag_aa(ink: str, ground: str) -> None:
    assert contrast_ratio(COLOURS[ink], COLOURS[ground]) >= 4.5


@pytest.mark.parametrize("line, ground", FOCUS_PAIRS)
def test_focus_and_control_borders_meet_wcag_aa_for_ui_parts(line: str, ground: str) -> None:
    assert contrast_ratio(COLOURS[line], COLOURS[ground]) >= 3.0


def test_every_stylesheet_colour_comes_from_the_table() -> None:
    sheet = stylesheet(10.0)
    assert set(re.findall(r"#[0-9a-fA-F]{6}", sheet)) <= {c.lower() for c in COLOURS.values()} \
        | set(COLOURS.values())
    assert "@" not in sheet


def test_palette_pairs_meet_wcag_aa() -> None:
    pal, role = palette(), QPalette.ColorRole
    for ink, ground in ((role.WindowText, role.Window), (role.Text, role.Base),
                        (role.ButtonText, role.Button), (role.HighlightedText, role.Highlight),
                        (role.ToolTipText, role.ToolTipBase), (role.Text, role.AlternateBase)):
        assert contrast_ratio(pal.color(ink).name(), pal.color(ground).name()) >= 4.5, ink


def test_text_sizes_follow_the_system_font() -> None:
    small, large = stylesheet(9.0), stylesheet(15.0)
    assert "font-size: 10pt" not in small
    assert "QLabel#heading { font-size: 14.4pt" in small
    assert "QLabel#heading { font-size: 24.0pt" in large


def test_high_contrast_uses_the_system_palette_only() -> None:
    sheet = stylesheet(10.0, high_contrast=True)
    assert not re.findall(r"#[0-9a-fA-F]{3,6}\b", sheet)
    assert "palette(highlight)" in sheet and "palette(window)" in sheet


def test_every_view_under_a_dark_system_theme(demo_tender: Path, tmp_path: Path) -> None:
    """Rendered in its own process (the look of the whole app changes). The PNGs are kept in
    $LOOK_SCREENSHOTS when set, for people to look at."""
    out = Path(os.environ.get("LOOK_SCREENSHOTS") or tmp_path)
    done = subprocess.run([sys.executable, "-m", "tests.ui.render_dark", str(demo_tender),
                           str(out)], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    shots = [Path(line) for line in done.stdout.split()]
    assert len(shots) == 12  # ten views, a message box, the guide
    for shot in shots:
        image = QImage(str(shot))
        assert not image.isNull(), shot
        # The app keeps its light palette: the picture is mostly light, whatever the system.
        sample = [image.pixelColor(x, y).lightness()
                  for x in range(0, image.width(), 16) for y in range(0, image.height(), 16)]
        assert sum(sample) / len(sample) > 170, shot.name
