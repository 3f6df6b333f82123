"""Server-side SVG geometry for the per-member savings chart (no JavaScript needed)."""

from __future__ import annotations

ROW_HEIGHT = 18
LABEL_WIDTH = 110
BAR_AREA = 360


def savings_chart(rows: list[dict]) -> dict:
    """Horizontal bars of each member's saving ratio around a zero line."""
    ratios = [float(row["saving_ratio"]) for row in rows if row.get("saving_ratio") is not None]
    low, high = min(ratios + [0.0]), max(ratios + [0.0])
    span = (high - low) or 1.0
    zero_x = LABEL_WIDTH + (0 - low) / span * BAR_AREA
    bars = []
    for index, row in enumerate(rows):
        ratio = row.get("saving_ratio")
        y = index * ROW_HEIGHT
        if ratio is None:
            bars.append({"label": row["name"], "y": y, "text_y": y + 13, "missing": True})
            continue
        end_x = LABEL_WIDTH + (float(ratio) - low) / span * BAR_AREA
        bars.append({
            "label": row["name"], "y": y + 3, "text_y": y + 13, "x": min(zero_x, end_x),
            "width": max(abs(end_x - zero_x), 1), "positive": ratio >= 0,
            "value": f"{float(ratio) * 100:.1f}%", "value_x": max(zero_x, end_x) + 4,
        })
    return {"bars": bars, "height": len(rows) * ROW_HEIGHT + 10, "width": LABEL_WIDTH + BAR_AREA + 60,
            "zero_x": zero_x, "label_width": LABEL_WIDTH}
