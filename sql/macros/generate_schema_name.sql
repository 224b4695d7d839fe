{#- A model's schema is its layer (staging, intermediate, marts; reference for seeds), as
    analysts query it, not dbt's default "<target schema>_<layer>". -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{ (custom_schema_name or target.schema) | trim }}
{%- endmacro %}
