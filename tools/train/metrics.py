"""Confusion-matrix based IoU for the 19 Cityscapes trainIds (255 ignored)."""

import numpy as np

NUM_CLASSES = 19


def confusion(truth: np.ndarray, pred: np.ndarray) -> np.ndarray:
    """19x19 confusion matrix (rows truth, columns prediction), ignoring truth == 255."""
    valid = truth < NUM_CLASSES
    idx = truth[valid].astype(np.int64) * NUM_CLASSES + pred[valid].astype(np.int64)
    return np.bincount(idx, minlength=NUM_CLASSES ** 2).reshape(NUM_CLASSES, NUM_CLASSES)


def iou(conf: np.ndarray):
    """Per-class IoU (NaN where the class is absent from both truth and prediction) and their mean."""
    inter = np.diag(conf).astype(np.float64)
    union = conf.sum(0) + conf.sum(1) - inter
    with np.errstate(invalid="ignore", divide="ignore"):
        per_class = np.where(union > 0, inter / union, np.nan)
    return per_class, float(np.nanmean(per_class))
