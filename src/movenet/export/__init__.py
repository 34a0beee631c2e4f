"""Export of the PyTorch modules (network + official decoding) to other runtimes."""
