"""The command line ``arrangement``: the only layer that imports argparse.

What lives here
---------------
* :mod:`~arrangement.cli.app`: the parser, the registry of subcommands, shared helpers and
  :func:`main` (errors to one line and an exit status);
* one module per group of commands: :mod:`~arrangement.cli.geometry` (``stats``, ``regions``,
  ``graph``), :mod:`~arrangement.cli.lattice` (``faces``, ``lattice``),
  :mod:`~arrangement.cli.certificate` (``certify``, ``precertify``, ``bound``),
  :mod:`~arrangement.cli.solve` (``solve``) and :mod:`~arrangement.cli.plot` (``plot``).

What it may use
---------------
Every other layer; nothing imports it. Commands are thin: parse, call the library, print.
"""

from arrangement.cli.app import main

__all__ = ["main"]
