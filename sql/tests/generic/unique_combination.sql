{#- The model's grain: no two rows share these columns. -#}
{% test unique_combination(model, columns) %}
select {{ columns | join(", ") }}, count(*) as rows
from {{ model }}
group by {{ columns | join(", ") }}
having count(*) > 1
{% endtest %}
