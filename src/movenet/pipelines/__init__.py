"""Image -> poses: the only orchestrators of preprocess, runtime and decoding."""
