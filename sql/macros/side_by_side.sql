{#- Two readouts of one call side by side, as the pairing marts show them (call_pairs,
    call_translations, shared_counterparts): each of `columns` of side `a`, then of side `b`,
    named a_<column> and b_<column>. Ends with a comma after the last column only when
    `trailing_comma` is true, for a select that goes on. -#}
{% macro side_by_side(columns, trailing_comma=false) -%}
    {%- for side in ['a', 'b'] %}
        {%- for column in columns %}
    {{ side }}.{{ column }} as {{ side }}_{{ column }}
            {%- if trailing_comma or not (side == 'b' and loop.last) %},{% endif %}
        {%- endfor %}
    {%- endfor %}
{%- endmacro %}

{#- For each list column of `columns`, what side `a` has that side `b` lacks (<column>_only_in_a)
    and the reverse (<column>_only_in_b). -#}
{% macro only_on_one_side(columns) -%}
    {%- for column in columns %}
        {%- for side, other in [('a', 'b'), ('b', 'a')] %}
    list_filter({{ side }}.{{ column }}, lambda x: not list_contains({{ other }}.{{ column }}, x)) as {{ column }}_only_in_{{ side }}
            {%- if not (loop.last and column == columns[-1]) %},{% endif %}
        {%- endfor %}
    {%- endfor %}
{%- endmacro %}
