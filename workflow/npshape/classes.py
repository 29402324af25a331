"""The eleven shape classes of the study (paper Fig. 2), in the paper's order of labels."""

CLASS_LABELS = (
    "BCC-C",
    "BMN-S",
    "CB",
    "DC",
    "DD",
    "FCC-C",
    "FCC-S",
    "HCP-S",
    "IC",
    "OH",
    "RTD",
)
