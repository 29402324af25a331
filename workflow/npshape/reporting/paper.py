"""The paper's own numbers, to print beside ours (Fages, Jolibois & Poteau 2021)."""

# Table 1: cross-validation and test scores.
TABLE1 = {
    "CM": {"cv": 0.97, "test": 0.96},
    "RDF1": {"cv": 1.00, "test": 1.00},
    "RDF2": {"cv": 1.00, "test": 1.00},
    "RDF3": {"cv": 1.00, "test": 1.00},
}

# Section 3: challenge scores s, gross and with tolerance (RDF1's gross s is not given in the text).
CHALLENGE_SCORES = {
    "CM": {"s": 0.16, "s_tolerant": 0.20},
    "RDF1": {"s": None, "s_tolerant": 0.67},
    "RDF2": {"s": 0.56, "s_tolerant": 0.63},
    "RDF3": {"s": 0.67, "s_tolerant": 0.73},
}
