"""Measured pair distribution functions: ``.gr`` files of r (Å) and G(r) (Å⁻²) with their headers.

:func:`read_gr` returns a :class:`GrData`; every problem is one ``ValueError`` line naming the
file and what to do. :func:`is_gr_file` tells a PDF table from a structure file;
:func:`require_qmax` gives the Qmax a simulation must use.

**Formats recognised** (checked against files and writers of each program):

- PDFgetX3 / diffpy.pdfgetx (Juhás et al., J. Appl. Cryst. 46, 560 (2013)) and xPDFsuite: an
  INI-style configuration (``[DEFAULT]``, or ``# xPDFsuite Configuration #`` then ``[PDF]`` and
  ``[Misc]`` sections; ``key = value`` lines: ``mode = xray`` or ``stype = N``,
  ``composition = Ni``, ``qmaxinst``, ``qmin``, ``qmax``, ``rpoly``, ``wavelength``, ...),
  ``# End of config ---``, ``#### start data``, ``#S 1``, ``#L r($\\AA$)  G($\\AA^{-2}$)`` (or
  ``#L r(Å)  G(Å$^{-2}$)``), then two columns r, G. Seen in diffpy.srfit's test data
  (``si-q27r60-xray.gr``, ``version = diffpy.pdfgetx-2.4.0``; ``ni-q27r100-neutron.gr``, an
  xPDFsuite header over a PDFgetN table), GSAS-II's PDF exporter and reduction scripts on GitHub
  (``mode`` also reads ``xrays`` and ``electrons`` there).
- PDFgetX2 and PDFgetN (and PDFgui's own ``.gr`` writer): a free-text history whose lines hold
  ``key=value`` pairs, several per line (``## S(q)  qmin=1.000000    qmax=40.000000``,
  ``## Damp     Qmin=0.95     Qmax=27.00``, ``stype=X  x-ray scattering``, ``qdamp=...``),
  ``##### start data``, ``#S 1 - PDF from PDFgetN``, ``#L r G(r) dr dG(r)``, then four columns
  r, G, dr, dG; some copies have only the first two, or every header line commented with ``#``.
  Seen in PDFgui's tutorial data (``Ni-xray.gr``, ``Ni-neutron.gr``, ``CdSe-3nm.gr``) and
  diffpy.srfit's ``ni-q27r100-neutron.gr``; the keys are those diffpy's own readers take
  (``PDFDataSet.readStr`` in diffpy.pdfgui, ``PDFParser`` in diffpy.srfit).
- Mantid and NOMAD: ``# Comment: neutron, Qmin=0.91, Qmax=34.99`` or
  ``# Comment: neutron, Qmax=31.414, Qdamp=0.017659, Qbroad= 0.0191822`` before the table.
- A bare table of two to four numeric columns, with or without ``#`` comments.

All 16 ``.gr`` files of diffpy.pdfgui's and diffpy.srfit's repositories read with the expected
Qmax and radiation, except three cut to r ≤ 0.5 Å or 10 rows, which are refused as too short.

**Reading.** The data start after the ``start data`` marker, else at the first line (not a
``#`` comment) that begins with a number; from there every line that is not blank or a ``#``
comment must be a row of numbers (separated by blanks, commas or semicolons), all rows with the
same count. Columns follow the ``#L`` labels when there are any (``dG``/``d_Gr`` name the
uncertainty of G, ``dr``/``d_r`` that of r); without labels three columns are r, G, dG and four
r, G, dr, dG (PDFgui's order). dG is kept only if every value is finite and positive (PDFgetN
writes 0 where it has none). Header keys are read case-insensitively, the first occurrence of
each; ``qmax`` is the Qmax of the Fourier transform, ``qmaxinst`` (the instrument's) is used
only when no positive ``qmax`` is given (PDFgui writes ``qmax=0`` for "not applied").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

GR_SUFFIXES = (".gr", ".sgr", ".fgr")
MIN_POINTS = 50
# G(r) must span at least this range: the first coordination shells and the baseline below them.
R_LOW_REQUIRED_ANGSTROM = 0.5
R_HIGH_REQUIRED_ANGSTROM = 10.0

_START_DATA = re.compile(r"^\s*#+\s*start\s+data\b", re.IGNORECASE)
_SECTION = re.compile(r"^\s*\[[^\]]*\]\s*$")
_ONE_KEY = re.compile(r"^([A-Za-z_][\w.\-]*)\s*=\s*(.*?)\s*$")
_KEY_VALUE = re.compile(r"(?<![\w.])([A-Za-z_]\w*)\s*=\s*([^\s,;]+)")
_SEPARATORS = re.compile(r"[\s,;]+")
# metadata key -> header keys that give it, in order of preference
_FLOAT_KEYS = {
    "qmin": ("qmin",),
    "qmaxinst": ("qmaxinst",),
    "qdamp": ("qdamp", "qsig"),
    "qbroad": ("qbroad", "qalp"),
    "wavelength": ("wavelength", "lambda"),
    "rpoly": ("rpoly",),
    "temperature": ("temperature", "temp"),
}
_RADIATION_KEYS = ("mode", "stype", "radiation", "scattering")
_RADIATION_VALUES = {
    "xray": ("x", "xray", "xrays", "x-ray", "x-rays"),
    "neutron": ("n", "neutron", "neutrons"),
    "electron": ("e", "electron", "electrons"),
}
_RADIATION_WORDS = {
    "xray": re.compile(r"\b(x-?rays?|pdfgetx\d?|get_xpdf)\b", re.IGNORECASE),
    "neutron": re.compile(r"\b(neutrons?|pdfgetn)\b", re.IGNORECASE),
    "electron": re.compile(r"\belectrons?\b", re.IGNORECASE),
}


@dataclass(frozen=True)
class GrData:
    """A measured G(r): r (Å), G (Å⁻²), its uncertainty dG (Å⁻²) or None, header metadata, the file.

    ``metadata`` holds, when the header gives them: ``qmin``, ``qmax``, ``qmaxinst``, ``qdamp``,
    ``qbroad`` (Å⁻¹), ``wavelength`` (Å), ``rpoly`` (Å), ``temperature`` (K) as floats;
    ``composition``, ``dataformat`` and ``radiation`` ("xray", "neutron" or "electron") as
    strings; and ``header``, every ``key = value`` of the header (keys lower-cased, values as written).
    """

    path: Path
    r: np.ndarray
    G: np.ndarray
    dG: np.ndarray | None
    metadata: dict = field(default_factory=dict)


def read_gr(path) -> GrData:
    """Return the G(r) table and header metadata of a ``.gr`` file; ValueError (one line) if it is unusable."""
    path = Path(path)
    header, rows, labels = _split(_read_text(path))
    if not rows:
        raise ValueError(f"{path}: no data: expected a table of r (A) and G(r) (two to four numeric columns) after the header")
    table = _parse_rows(path, rows)
    roles = _column_roles(path, labels, table.shape[1])
    r, g = table[:, 0], table[:, 1]
    decreasing = np.flatnonzero(np.diff(r) <= 0)
    if decreasing.size:
        at = int(decreasing[0]) + 1
        raise ValueError(
            f"{path}: r is not increasing at line {rows[at][0]} (r = {r[at]:g} after {r[at - 1]:g}); sort the rows by r"
        )
    if r.size < MIN_POINTS:
        raise ValueError(f"{path}: only {r.size} data rows; need at least {MIN_POINTS} points of G(r)")
    if r[0] > R_LOW_REQUIRED_ANGSTROM or r[-1] < R_HIGH_REQUIRED_ANGSTROM:
        raise ValueError(
            f"{path}: r covers {r[0]:g}-{r[-1]:g} A; need G(r) from at most {R_LOW_REQUIRED_ANGSTROM:g} A "
            f"to at least {R_HIGH_REQUIRED_ANGSTROM:g} A (re-run the reduction with a wider rmin-rmax)"
        )
    dg = table[:, roles.index("dG")] if "dG" in roles else None
    if dg is not None and not (np.isfinite(dg).all() and (dg > 0).all()):
        dg = None
    return GrData(path=path, r=r, G=g, dG=dg, metadata=_metadata(header))


def is_gr_file(path) -> bool:
    """Return whether ``path`` is a PDF table: a .gr/.sgr/.fgr name and a first data row of 2 to 4 numbers."""
    path = Path(path)
    if path.suffix.lower() not in GR_SUFFIXES:
        return False
    try:
        _, rows, _ = _split(_read_text(path))
    except ValueError:
        return False
    return bool(rows) and 2 <= len(_numbers(rows[0][1]) or ()) <= 4


def require_qmax(data: GrData, qmax_option=None) -> float:
    """Return the Qmax (Å⁻¹) a simulation of ``data`` must use: ``qmax_option`` if given, else the header's.

    An explicit option wins over the header, so that a header written wrong can be corrected.
    """
    if qmax_option is not None:
        value = float(qmax_option)
        if not np.isfinite(value) or value <= 0:
            raise ValueError(f"{data.path}: --qmax must be a positive number of 1/A, got {qmax_option!r}")
        return value
    if "qmax" in data.metadata:
        return data.metadata["qmax"]
    raise ValueError(f"{data.path}: has no Qmax in its header; give --qmax (the Qmax of its Fourier transform, 1/A)")


def _read_text(path):
    """Return the file's text (UTF-8, undecodable bytes replaced); ValueError if it cannot be read."""
    try:
        return path.read_bytes().decode("utf-8-sig", errors="replace")
    except OSError as error:
        raise ValueError(f"{path}: cannot be read ({error.strerror or error}); check the path") from None


def _split(text):
    """Return (header lines, data rows as (line number, text), #L column labels) of a file's text."""
    lines = text.splitlines()
    marker = next((i for i, line in enumerate(lines) if _START_DATA.match(line)), None)
    if marker is None:
        start = next((i for i, line in enumerate(lines) if not line.lstrip().startswith("#") and _numbers(line)), len(lines))
        header = lines[:start]
    else:
        start = marker + 1
        header = lines[:marker]
    labels = []
    rows = []
    for number, line in enumerate(lines[start:], start=start + 1):
        stripped = line.strip()
        if stripped.startswith("#L"):
            labels = stripped[2:].split()
        if stripped.startswith("#"):
            if not rows:
                header.append(stripped)
            continue
        if stripped:
            rows.append((number, stripped))
    labels = labels or next((line.strip()[2:].split() for line in reversed(header) if line.strip().startswith("#L")), [])
    return header, rows, labels


def _numbers(line):
    """Return the floats of a line of numbers (blank, comma or semicolon separated), or None."""
    try:
        return [float(token) for token in _SEPARATORS.split(line.strip()) if token]
    except ValueError:
        return None


def _parse_rows(path, rows):
    """Return the data rows as an array of shape (n_rows, n_columns); ValueError naming the first bad line."""
    values = []
    width = None
    for number, line in rows:
        row = _numbers(line)
        if not row:
            raise ValueError(
                f"{path}: line {number} is not a row of numbers ({line[:40]!r}); a .gr table holds r, G(r) [, dG] columns"
            )
        if width is None:
            width = len(row)
            if not 2 <= width <= 4:
                raise ValueError(f"{path}: line {number} has {width} columns; expected 2 to 4 (r, G[, dG] or r, G, dr, dG)")
        elif len(row) != width:
            raise ValueError(f"{path}: line {number} has {len(row)} columns where the rows above have {width}; fix the table")
        if not all(np.isfinite(row)):
            raise ValueError(f"{path}: line {number} holds a NaN or infinite value; remove that row")
        values.append(row)
    return np.array(values)


def _column_roles(path, labels, width):
    """Return the role (r, G, dr, dG) of each of ``width`` columns, from the #L labels or their count."""
    if not labels:
        return ["r", "G", "dG", None][:width] if width < 4 else ["r", "G", "dr", "dG"]
    roles = []
    for label in labels[:width]:
        name = label.lower().split("(")[0].strip("$\\ ")
        if name.startswith(("dg", "d_g", "sigg")):
            roles.append("dG")
        elif name.startswith(("dr", "d_r", "sigr")):
            roles.append("dr")
        elif name.startswith("g"):
            roles.append("G")
        elif name.startswith("r"):
            roles.append("r")
        else:
            roles.append(None)
    if labels[0].lower().startswith("q"):
        raise ValueError(
            f"{path}: its columns are labelled {' '.join(labels[:2])!r}, a function of Q, not r and G(r); give the .gr file"
        )
    return roles + [None] * (width - len(roles))


def _metadata(header):
    """Return the metadata of a header: typed known keys, and every key = value under ``header``."""
    raw = {}
    text = []
    for line in header:
        content = line.strip().lstrip("#").strip()
        text.append(content)
        if not content or _SECTION.match(content):
            continue
        single = _ONE_KEY.match(content)
        if single and not _KEY_VALUE.search(single.group(2)):
            pairs = [(single.group(1), re.sub(r"\s+#.*$", "", single.group(2)))]
        else:
            pairs = _KEY_VALUE.findall(content)
        for key, value in pairs:
            raw.setdefault(key.lower(), value)
    metadata = {"header": raw}
    for name, keys in _FLOAT_KEYS.items():
        value = next((v for v in (_float(raw.get(key)) for key in keys) if v is not None), None)
        if value is not None:
            metadata[name] = value
    qmax = _float(raw.get("qmax"))
    if qmax is not None and qmax > 0:
        metadata["qmax"] = qmax
    elif metadata.get("qmaxinst", 0) > 0:
        metadata["qmax"] = metadata["qmaxinst"]
    for name in ("composition", "dataformat"):
        if raw.get(name):
            metadata[name] = raw[name].strip()
    radiation = _radiation(raw, "\n".join(text))
    if radiation:
        metadata["radiation"] = radiation
    return metadata


def _float(value):
    """Return ``value`` as a finite float, or None."""
    try:
        number = float(value.split()[0])
    except (AttributeError, ValueError, IndexError):
        return None
    return number if np.isfinite(number) else None


def _radiation(raw, text):
    """Return "xray", "neutron" or "electron" from a mode/stype key, else from the one kind the header names."""
    for key in _RADIATION_KEYS:
        words = (raw.get(key) or "").lower().split()
        for radiation, values in _RADIATION_VALUES.items():
            if words and words[0] in values:
                return radiation
    named = [radiation for radiation, pattern in _RADIATION_WORDS.items() if pattern.search(text)]
    return named[0] if len(named) == 1 else None
