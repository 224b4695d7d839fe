{#- Rules per source. A source whose government speaks differently has its own rule files,
    seeds/<source>/<source>__<rules>.csv (rules: tone_lexicon, tone_frames, tone_signals,
    topics), seeds like the shared ones. They are found by that naming convention in dbt's
    graph: a seed of this project named <source>__<rules>. A rule macro given the source
    column applies each source's own rules to that source's items only, and the shared
    rules to the others; each branch still has constant patterns.

    dbt fills `graph` when it runs the models, not when it parses them: at parse time no
    source has rules of its own (the models read rules only when they run). A source's seed
    is read through its relation in the graph, not through ref(), which would ask for a
    dependency that parsing could not see; dbt builds every seed before the models that
    read rules (seeds have no parents, and a build runs each level of its DAG in turn on
    the profile's one thread). -#}

{#- The seeds of this project named <source>__<rules> for one of `rules`, as
    [(source, rules, graph node)] in name order; none at parse time. -#}
{%- macro rule_seed_nodes(rules) -%}
    {%- set found = [] -%}
    {%- if execute -%}
        {%- for node in graph.nodes.values() | sort(attribute="name")
            if node.resource_type == "seed" and node.package_name == project_name -%}
            {%- set parts = node.name.split("__") -%}
            {%- if parts | length == 2 and parts[0] and parts[1] in rules -%}
                {%- do found.append((parts[0], parts[1], node)) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(found) }}
{%- endmacro -%}

{#- The relation of `rules` for `source`: the source's own seed when it has one, else the
    shared seed (ref: the models declare it). -#}
{%- macro rule_relation(source, rules) -%}
    {%- if source is not none -%}
        {%- for name, kind, node in rule_seed_nodes([rules]) if name == source -%}
            {{ return(node.relation_name) }}
        {%- endfor -%}
    {%- endif -%}
    {{ return(ref(rules)) }}
{%- endmacro -%}

{#- The sources with their own file for any of `rules`, in name order. -#}
{%- macro rule_sources(rules) -%}
    {%- set found = [] -%}
    {%- for name, kind, node in rule_seed_nodes(rules) if name not in found -%}
        {%- do found.append(name) -%}
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
