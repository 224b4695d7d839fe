{#- Rules per source. A source whose government speaks differently has its own rule files,
    reference/<source>/<source>__<rules>.csv (rules: tone_lexicon, tone_frames, tone_signals,
    topics), seeds like the shared ones. The var `source_rules` ({source: [rules, ...]})
    says which exist: the flow passes what it finds on disk (flows/models/project.py), and
    dbt_project.yml holds the same for dbt run by hand. A rule macro given the source column
    applies each source's own rules to that source's items only, and the shared rules to the
    others; each branch still has constant patterns. -#}

{%- macro rule_seed(source, rules) -%}
    {%- if source is not none and rules in var("source_rules", {}).get(source, []) -%}
        {{ return(source ~ "__" ~ rules) }}
    {%- endif -%}
    {{ return(rules) }}
{%- endmacro -%}

{#- The sources with their own file for any of `rules`, in name order. -#}
{%- macro rule_sources(rules) -%}
    {%- set found = [] -%}
    {%- for source, own in var("source_rules", {}).items() | sort -%}
        {%- for name in rules if name in own and source not in found -%}
            {%- do found.append(source) -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(found) }}
{%- endmacro -%}

{#- `branches`: [(source, expression)]; the shared rules' expression for any other source. -#}
{%- macro rule_case(source_column, branches, shared) -%}
    {%- if source_column is none or not branches -%}
        {{ return(shared) }}
    {%- endif -%}
    {%- set whens = [] -%}
    {%- for source, expression in branches -%}
        {%- do whens.append("when " ~ source_column ~ " = " ~ rule_literal(source) ~ " then " ~ expression) -%}
    {%- endfor -%}
    {{ return("(case " ~ whens | join(" ") ~ " else " ~ shared ~ " end)") }}
{%- endmacro -%}
