"""npshape: recognise the 3D shape of small metal nanoparticles."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("npshape")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"
