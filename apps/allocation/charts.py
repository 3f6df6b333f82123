"""Server-side SVG geometry for the per-member savings chart (no JavaScript needed)."""

from __future__ import annotations

from apps.core.formatting import ratio_percent

ROW_HEIGHT = 18
LABEL_WIDTH = 110
BAR_AREA = 360


def savings_chart(rows: list[dict], *, row_height: int = ROW_HEIGHT) -> dict:
    """Horizontal bars of each member's saving ratio around a zero line. A smaller
    ``row_height`` packs the rows tighter (the one-page briefing)."""
    bar_height = row_height - 6
    text_offset = (row_height + 8) // 2  # the label's baseline, centred on the bar
    ratios = [float(row["saving_ratio"]) for row in rows if row.get("saving_ratio") is not None]
    low, high = min(ratios + [0.0]), max(ratios + [0.0])
    span = (high - low) or 1.0
    zero_x = LABEL_WIDTH + (0 - low) / span * BAR_AREA
    bars = []
    for index, row in enumerate(rows):
        ratio = row.get("saving_ratio")
        y = index * row_height
        if ratio is None:
            bars.append({"label": row["name"], "code": row.get("code"), "y": y, "text_y": y + text_offset,
                         "missing": True})
            continue
        end_x = LABEL_WIDTH + (float(ratio) - low) / span * BAR_AREA
        bars.append({
            "label": row["name"], "code": row.get("code"), "y": y + 3, "text_y": y + text_offset, "x": min(zero_x, end_x),
            "width": max(abs(end_x - zero_x), 1), "positive": ratio >= 0,
            "value": ratio_percent(ratio), "value_x": max(zero_x, end_x) + 4,
        })
    return {"bars": bars, "height": len(rows) * row_height + 10, "width": LABEL_WIDTH + BAR_AREA + 60,
            "zero_x": zero_x, "label_width": LABEL_WIDTH, "bar_height": bar_height, "bar_area": BAR_AREA,
            "row_height": row_height, "rows_height": len(rows) * row_height}
