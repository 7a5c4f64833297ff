"""The exact core: errors, exact numbers, integer linear algebra, input files, progress lines.

What lives here
---------------
* :mod:`~arrangement.core.errors`: the root :class:`ArrangementError` and its subclasses;
* :mod:`~arrangement.core.numbers`: exact parsing and printing of rationals;
* :mod:`~arrangement.core.linalg`: fraction-free integer linear algebra (python-flint);
* :mod:`~arrangement.core.io`: data sets and vectors read exactly from CSV, ``.npy`` and JSON;
* :mod:`~arrangement.core.guard`: bounded reads of regular files only, and the inputs of a
  command protected from being its outputs;
* :mod:`~arrangement.core.atomic`: every output file written complete or not at all;
* :mod:`~arrangement.core.progress`: the progress line on a terminal.

What it may use
---------------
The standard library, numpy and python-flint; nothing else of the package.
"""
