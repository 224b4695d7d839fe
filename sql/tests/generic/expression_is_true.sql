{#- Every row satisfies `expression` (a NULL result passes: say `is not null` to forbid it). -#}
{% test expression_is_true(model, expression) %}
select *
from {{ model }}
where not ({{ expression }})
{% endtest %}
