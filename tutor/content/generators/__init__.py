"""Item generators, one module per area; each registers its generators on import."""

from tutor.content.generators import (  # noqa: F401
    algebra,
    decimal_compare,
    equations_functions,
    fractions,
    geometry,
    measurement,
    number_sense,
    rational,
    statistics,
    whole_numbers,
)
