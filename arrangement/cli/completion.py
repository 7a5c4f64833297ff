"""The ``arrangement completion bash|zsh`` command: print a shell completion script.

The script is generated from the live parser by shtab (a maintained generator), so it always
knows every subcommand and option. Install it with, for bash::

    arrangement completion bash > ~/.local/share/bash-completion/completions/arrangement

and for zsh (a directory on ``$fpath``)::

    arrangement completion zsh > ~/.zfunc/_arrangement

It registers itself with :func:`arrangement.cli.app.subcommand` when imported.
"""

from __future__ import annotations

import argparse

from arrangement.cli.app import EXIT_OK, add_output_arguments, emit_json, open_output, subcommand

__all__ = ["SHELLS", "completion_script"]

#: The shells a script can be generated for.
SHELLS = ("bash", "zsh")


def completion_script(shell: str) -> str:
    """The completion script of ``arrangement`` for ``shell`` (``"bash"`` or ``"zsh"``)."""
    import shtab

    from arrangement.cli.app import PROG, build_parser

    parser = build_parser()
    parser.prog = PROG
    # Data files complete as file names (the positional FILE of every command).
    for action in parser._subparsers._group_actions if parser._subparsers else ():
        for sub in getattr(action, "choices", {}).values():
            for a in sub._actions:
                if a.dest == "file" or a.dest in ("dual", "atoms", "output"):
                    a.complete = shtab.FILE
    return str(shtab.complete(parser, shell=shell))


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("shell", choices=SHELLS, help="the shell: bash or zsh")
    add_output_arguments(parser, json_help='print {"shell": ..., "script": ...} as JSON')


@subcommand(
    "completion",
    help="print a shell completion script (bash or zsh)",
    configure=_configure,
    description="Print the completion script for bash or zsh, generated from the parser by "
    "shtab. bash: arrangement completion bash > "
    "~/.local/share/bash-completion/completions/arrangement; zsh: arrangement completion zsh "
    "> ~/.zfunc/_arrangement (with ~/.zfunc on $fpath, then compinit).",
)
def _completion(args: argparse.Namespace) -> int:
    script = completion_script(args.shell)
    with open_output(args.output) as out:
        if args.json:
            emit_json({"shell": args.shell, "script": script}, out)
        else:
            out.write(script)
    return EXIT_OK
