"""Intersection over union of every pair of boxes from two arrays.

iou takes corners (x1, y1, x2, y2) with x1 < x2, y1 < y2; an empty intersection counts as 0 (the
negative width or height is clipped).
"""

import numpy as np


def iou(boxes_a, boxes_b):
    """boxes_a (N, 4), boxes_b (M, 4) as (x1, y1, x2, y2) -> IoU (N, M)."""
    ax1, ay1, ax2, ay2 = boxes_a.T  # each (N,)
    bx1, by1, bx2, by2 = boxes_b.T  # each (M,)
    ix1 = np.maximum(ax1[:, None], bx1[None, :])  # (N, M)
    iy1 = np.maximum(ay1[:, None], by1[None, :])
    ix2 = np.minimum(ax2[:, None], bx2[None, :])
    iy2 = np.minimum(ay2[:, None], by2[None, :])
    inter = np.maximum(0, ix2 - ix1) * np.maximum(0, iy2 - iy1)
    area_a = (ax2 - ax1) * (ay2 - ay1)
    area_b = (bx2 - bx1) * (by2 - by1)
    union = area_a[:, None] + area_b[None, :] - inter
    return inter / union

