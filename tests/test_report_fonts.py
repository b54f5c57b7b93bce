"""Chinese in the charts and the PDF needs a CJK font with the glyphs of every label."""

from __future__ import annotations

from pathlib import Path

from fontTools.ttLib import TTCollection, TTFont
from matplotlib.ft2font import FT2Font

from app.services.reports.charts import cjk_font, font_families
from assessments.charts import cjk_font_family

CATALOG = (
    Path(__file__).resolve().parent.parent / "app/translations/zh_Hans_CN/LC_MESSAGES/messages.po"
)
DEMO_NAMES = "供应链工厂精益运营数字化研发中心销售与服务"


def chinese_labels() -> str:
    """Every Chinese character the reports may draw: the whole catalog and the demo's names."""
    text = CATALOG.read_text(encoding="utf-8") + DEMO_NAMES
    return "".join(sorted({ch for ch in text if "\u4e00" <= ch <= "\u9fff"}))


def test_a_cjk_font_is_installed_and_has_every_glyph():
    found = cjk_font()
    assert found is not None, "install fonts-noto-cjk (make browser)"
    path, index = found
    assert font_families()[0] == cjk_font_family()
    font = FT2Font(path, face_index=index)
    labels = chinese_labels()
    assert len(labels) > 100
    missing = [ch for ch in labels if font.get_char_index(ord(ch)) == 0]
    assert missing == []
    tables = TTCollection(path).fonts[index] if path.endswith((".ttc", ".otc")) else TTFont(path)
    cmap = tables.getBestCmap()
    assert all(ord(ch) in cmap for ch in labels)
