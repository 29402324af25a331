"""An ensemble of fitted classifiers whose class probabilities are averaged.

npshape's own model averages several scaled MLPs trained from different random states:
averaging lowers the variance of what any one network learned from the same data (measured
in README, "The shipped model"), and their disagreement is one measure of how far an input
is from what they learned.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin


class ProbabilityAverage(ClassifierMixin, BaseEstimator):
    """The mean of the ``predict_proba`` of fitted ``members`` that share their classes."""

    def __init__(self, members=()):
        self.members = members

    @property
    def classes_(self):
        """The members' classes, in their probability columns' order."""
        return self.members[0].classes_

    def fit(self, X, y):
        """Fit every member on (X, y); the members are usually fitted beforehand, one by one."""
        for member in self.members:
            member.fit(X, y)
        return self

    def predict_proba(self, X):
        """Return the members' class probabilities averaged, shape (n_samples, n_classes)."""
        return np.mean([member.predict_proba(X) for member in self.members], axis=0)

    def predict(self, X):
        """Return the class of highest averaged probability for each row."""
        return self.classes_[self.predict_proba(X).argmax(axis=1)]
