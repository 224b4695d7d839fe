{#- The project's own generic test (dbt_utils's relationships_where is its like; dbt_utils is a dbt
    package, not on PyPI, and dbt's package hub is out of reach: see docs/models.md). -#}
{#- Every row of the model has a row in `to` with the same `columns` (a composite key:
    dbt's own relationships test takes one column). `to_columns`, when the parent names
    them otherwise (a_source, a_item_id → source, item_id). Like dbt's relationships test, a
    row whose key is NULL is not checked. -#}
{% test relationships_on(model, columns, to, to_columns=none) %}
{%- set parents = to_columns or columns -%}
select {% for column in columns %}child.{{ column }}{{ ", " if not loop.last }}{% endfor %}
from {{ model }} as child
where {% for column in columns %}child.{{ column }} is not null and {% endfor %}not exists (
    select 1 from {{ to }} as parent
    where {% for column in columns %}parent.{{ parents[loop.index0] }} = child.{{ column }}{{ " and " if not loop.last }}{% endfor %}
)
{% endtest %}
