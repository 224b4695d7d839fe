{#- Where a regex match starts in the text it was found in. The rule macros return, per
    pattern, the texts before each match (`prefixes`, as regexp_split_to_array gives them)
    and the matches (`matched`), unnested one row per match with its number `order_by`:
    a match starts after every earlier prefix and match, and its own prefix. -#}
{% macro match_offset(prefix, matched, partition_by, order_by) -%}
    cast(sum(cast(length({{ prefix }}) + length({{ matched }}) as bigint)) over (
        partition by {{ partition_by }} order by {{ order_by }}
    ) as bigint) - length({{ matched }})
{%- endmacro %}
