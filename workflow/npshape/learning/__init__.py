"""Stage 3, learning: augmentation, splits, datasets, training, evaluation, model cards and files."""
