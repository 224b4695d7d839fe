{#- Every row of the model has a row in `to` with the same `columns` (a composite key:
    dbt's own relationships test takes one column). -#}
{% test relationships_on(model, columns, to) %}
select {% for column in columns %}child.{{ column }}{{ ", " if not loop.last }}{% endfor %}
from {{ model }} as child
where not exists (
    select 1 from {{ to }} as parent
    where {% for column in columns %}parent.{{ column }} = child.{{ column }}{{ " and " if not loop.last }}{% endfor %}
)
{% endtest %}
