"""Render the app icon from packaging/icon/workbench.svg to the PNG sizes and the Windows .ico in
resources/icons/ (committed; run again after changing the SVG):
`QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/icon/make_icons.py`."""

from __future__ import annotations

import struct
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

HERE = Path(__file__).resolve().parent
OUT = HERE.parent.parent / "resources" / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256)


def render(renderer: QSvgRenderer, size: int) -> bytes:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def ico(pngs: dict[int, bytes]) -> bytes:
    """A Windows .ico holding each size as PNG data (read by Windows Vista and later)."""
    header = struct.pack("<HHH", 0, 1, len(pngs))
    offset = 6 + 16 * len(pngs)
    entries, blobs = b"", b""
    for size, png in pngs.items():
        side = 0 if size >= 256 else size  # 0 means 256 in an icon directory
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(png), offset)
        blobs += png
        offset += len(png)
    return header + entries + blobs


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(HERE / "workbench.svg"))
    if not renderer.isValid():
        print("make_icons: workbench.svg is not a valid SVG", file=sys.stderr)
        return 1
    OUT.mkdir(parents=True, exist_ok=True)
    pngs = {size: render(renderer, size) for size in SIZES}
    for size, png in pngs.items():
        (OUT / f"workbench-{size}.png").write_bytes(png)
    (OUT / "workbench.ico").write_bytes(ico(pngs))
    (OUT / "workbench.svg").write_bytes((HERE / "workbench.svg").read_bytes())
    del app
    print(f"wrote {len(SIZES)} PNG sizes, workbench.ico and workbench.svg to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
