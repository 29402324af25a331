"""Stage 4, reporting: the paper's numbers and tables, challenge scores, figures."""
