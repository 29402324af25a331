"""Loops over every pair, compiled by numba at their first call.

They only add and multiply, in a fixed order and without fast-math, so their sums are the
same bytes on any machine and however structures are batched.
"""

import functools


class numba_on_first_call:
    """A function compiled by numba (machine code cached beside the module that defines it) at its first call.

    Importing numba costs a process about 0.1 s and 60 MB, and loading the cached code
    0.15 s more: processes that import this module but compute no RDF (the Coulomb-matrix
    jobs) do not pay them.
    """

    def __init__(self, function):
        self._function, self._machine_code = function, None
        functools.update_wrapper(self, function)

    def __call__(self, *args):
        if self._machine_code is None:
            import numba

            self._machine_code = numba.njit(cache=True)(self._function)
        return self._machine_code(*args)
