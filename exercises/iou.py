"""IoU (intersection over union) of every pair of boxes from two arrays.

iou takes boxes as corners (x1, y1, x2, y2) with x1 < x2 and y1 < y2. Boxes
that do not overlap have intersection 0.

Shapes:
    boxes_a : (N, 4)
    boxes_b : (M, 4)
Returns the IoU matrix (N, M): entry [n, m] is the IoU of boxes_a[n] and boxes_b[m].
"""
import numpy as np


def iou(boxes_a, boxes_b):
    """Return the (N, M) IoU matrix of corner boxes."""
    ax1, ay1, ax2, ay2 = boxes_a.T  # each (N,)
    bx1, by1, bx2, by2 = boxes_b.T  # each (M,)
    # 重なり部分の左上と右下 (N, M)
    ix1 = np.maximum(ax1[:, None], bx1[None, :])
    iy1 = np.maximum(ay1[:, None], by1[None, :])
    ix2 = np.minimum(ax2[:, None], bx2[None, :])
    iy2 = np.minimum(ay2[:, None], by2[None, :])
    inter = ___あ___ * np.maximum(0, iy2 - iy1)  # (あ) fill in this blank
    area_a = (ax2 - ax1) * (ay2 - ay1)  # (N,)
    area_b = (bx2 - bx1) * (by2 - by1)  # (M,)
    union = ___い___  # (い) fill in this blank: (N, M)
    return inter / union

