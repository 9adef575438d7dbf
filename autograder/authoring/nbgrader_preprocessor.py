"""nbgrader's ClearSolutions, made to write the same stubs as ``exercises/xor_net.py``.

Plain ClearSolutions puts one fixed ``code_stub`` in place of every solution
region. This one hands a cell with ``### BEGIN SOLUTION`` regions to the kit's
own stub maker (autograder/authoring/stubs.py), so each body becomes
``raise NotImplementedError("<exercise>: not implemented yet. ...")`` naming its
function, and a region at cell level (a private helper of the reference, like
``_train_compiled``) is dropped instead of leaving a bare ``raise`` that would
stop the cell. Only ``nbgrader_config.py`` imports it (nbgrader is optional).
"""

from nbformat import NotebookNode
from nbgrader.converters import GenerateAssignment
from nbgrader.preprocessors import ClearSolutions

from autograder.authoring.stubs import BEGIN, HEADER, make_stubs


class ExerciseStubs(ClearSolutions):
    def _replace_solution_region(self, cell: NotebookNode, language: str) -> bool:
        if cell.cell_type != "code" or BEGIN not in cell.source:
            return super()._replace_solution_region(cell, language)
        cell.source = make_stubs(cell.source).removeprefix(HEADER).strip("\n")
        return True


def generate_preprocessors() -> list[type]:
    """``nbgrader generate_assignment``'s preprocessors, with ExerciseStubs for ClearSolutions."""
    default = GenerateAssignment.class_traits()["preprocessors"].default()
    return [ExerciseStubs if p is ClearSolutions else p for p in default]
