"""Helpers shared by tests: small real video clips made from the example photo."""

import cv2
import numpy as np
from conftest import EXAMPLE_IMAGE
from PIL import Image


def make_video(path, n=6, size=(320, 240), fps=10.0):
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, size)
    base = np.asarray(Image.open(EXAMPLE_IMAGE).resize((size[0] * 2, size[1])))
    for i in range(n):
        writer.write(np.ascontiguousarray(base[:, i * 10 : i * 10 + size[0], ::-1]))
    writer.release()
    return path
