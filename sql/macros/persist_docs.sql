{#- dbt-duckdb writes a table's and its columns' descriptions as DuckDB comments after
    every build of it. An incremental build inserts into a table that has them already, and
    the descriptions change only with the project's files, any change of which makes the
    next build a full refresh (flows/transform/fingerprint.py) that writes them again: one
    COMMENT statement per column, ~0.4 s of a small incremental build, is saved. -#}
{% macro duckdb__persist_docs(relation, model, for_relation, for_columns) -%}
    {%- if not is_incremental() -%}
        {%- do default__persist_docs(relation, model, for_relation, for_columns) -%}
    {%- endif -%}
{%- endmacro %}
