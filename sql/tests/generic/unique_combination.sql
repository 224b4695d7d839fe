{#- The project's own generic test (dbt_utils's unique_combination_of_columns is its like; dbt_utils is a dbt
    package, not on PyPI, and dbt's package hub is out of reach: see docs/models.md). -#}
{#- The model's grain: no two rows share these columns. -#}
{% test unique_combination(model, columns) %}
select {{ columns | join(", ") }}, count(*) as rows
from {{ model }}
group by {{ columns | join(", ") }}
having count(*) > 1
{% endtest %}
