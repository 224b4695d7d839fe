{#- Incremental models over items. The loader lists in raw.pending_items every item a load
    added, edited, re-normalised or saw again (flows/load/loader.py); the writer empties the
    list once a build has passed. An incremental build recomputes only those items: each
    per-item model first deletes their rows (so an edited item with fewer sentences, or an
    item that is no longer a call, leaves nothing stale), then inserts what its query gives
    for them. A full refresh (`--full-refresh`: a change of models or rules, `readouts
    rebuild`, `readouts build`) rebuilds every row. -#}

{#- A predicate on the rows of `alias`: true for every row in a full build, and only for the
    pending items' rows in an incremental one. The source is named in both cases so that
    dbt records the dependency when it parses the project. -#}
{% macro is_pending(alias) -%}
    {%- set pending = source('raw', 'pending_items') -%}
    {%- if is_incremental() -%}
        exists (
            select 1 from {{ pending }} as pending
            where pending.source = {{ alias }}.source and pending.item_id = {{ alias }}.item_id
        )
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{#- The pre-hook of a per-item model: in an incremental build, its rows of the pending
    items go, whatever the new rows will be. -#}
{% macro forget_pending_items() -%}
    {%- set pending = source('raw', 'pending_items') -%}
    {%- if is_incremental() -%}
        delete from {{ this }} as t
        where exists (
            select 1 from {{ pending }} as pending
            where pending.source = t.source and pending.item_id = t.item_id
        )
    {%- endif -%}
{%- endmacro %}

{#- The counterparts, by government, whose history a build must recompute in a model keyed
    by counterpart (marts.tone_shifts: a call's shifts depend on that counterpart's earlier
    calls): those every version of a pending item names, so that an edit that changes or
    drops a counterpart recomputes the old one's history as well as the new one's. -#}
{% macro touched_counterparts() -%}
    select distinct s.country_code as government, coalesce(p.country_code, p.organisation) as counterpart_key
    from {{ ref('stg_item_counterparts') }} as p
    inner join {{ ref('stg_sources') }} as s on s.source = p.source
    where exists (
        select 1 from {{ source('raw', 'pending_items') }} as pending
        where pending.source = p.source and pending.item_id = p.item_id
    )
{%- endmacro %}

{#- A predicate: true in a full build; in an incremental one, only for the touched
    counterparts' rows. -#}
{% macro is_touched_counterpart(government, counterpart_key) -%}
    {%- if is_incremental() -%}
        exists (
            select 1 from ({{ touched_counterparts() }}) as touched
            where touched.government = {{ government }}
                and touched.counterpart_key = {{ counterpart_key }}
        )
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{#- The pre-hook of a model keyed by counterpart: in an incremental build, the touched
    counterparts' rows go. -#}
{% macro forget_touched_counterparts() -%}
    {%- if is_incremental() -%}
        delete from {{ this }} as t
        where exists (
            select 1 from ({{ touched_counterparts() }}) as touched
            where touched.government = t.government
                and touched.counterpart_key = t.counterpart_key
        )
    {%- endif -%}
{%- endmacro %}

{#- The (source, counterpart) pairs whose rows a build must recompute in a mart that
    aggregates one source's calls by counterpart (by month, by period): those every version
    of a pending item names, so that an edit that changes or drops a counterpart, or moves a
    call to another month, recomputes the old pair's rows as well as the new one's. -#}
{% macro touched_source_counterparts() -%}
    select distinct p.source, coalesce(p.country_code, p.organisation) as counterpart_key
    from {{ ref('stg_item_counterparts') }} as p
    where exists (
        select 1 from {{ source('raw', 'pending_items') }} as pending
        where pending.source = p.source and pending.item_id = p.item_id
    )
{%- endmacro %}

{#- A predicate: true in a full build; in an incremental one, only for the touched
    (source, counterpart) pairs' rows. -#}
{% macro is_touched_source_counterpart(source, counterpart_key) -%}
    {%- if is_incremental() -%}
        exists (
            select 1 from ({{ touched_source_counterparts() }}) as touched
            where touched.source = {{ source }} and touched.counterpart_key = {{ counterpart_key }}
        )
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{#- The pre-hook of a mart aggregated by source and counterpart: in an incremental build,
    the touched pairs' rows go. -#}
{% macro forget_touched_source_counterparts() -%}
    {%- if is_incremental() -%}
        delete from {{ this }} as t
        where {{ is_touched_source_counterpart('t.source', 't.counterpart_key') }}
    {%- endif -%}
{%- endmacro %}
