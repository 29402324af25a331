"""Evaluation sets for npshape, built by ASE code paths independent of npshape's own builders.

`in_domain` makes clusters of the shape classes, `out_of_domain` clusters of none of them; both
serve only to evaluate a classifier, never to train it, and neither imports npshape.
"""
