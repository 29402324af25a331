"""Classifying users' files: reading and checking inputs, features, predictions."""
