{#- The project's own generic test (dbt_utils's expression_is_true is its like; dbt_utils is a dbt
    package, not on PyPI, and dbt's package hub is out of reach: see docs/models.md). -#}
{#- Every row satisfies `expression` (a NULL result passes: say `is not null` to forbid it). -#}
{% test expression_is_true(model, expression) %}
select *
from {{ model }}
where not ({{ expression }})
{% endtest %}
