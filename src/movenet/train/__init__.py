"""Training and fine-tuning: data, augmentation, losses, distillation, the loop (`movenet train`)."""
