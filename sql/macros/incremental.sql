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

{#- The counterparts whose rows a build must recompute in a model keyed by counterpart
    (marts.tone_shifts: a call's shifts depend on that counterpart's earlier calls; the
    marts that aggregate calls by counterpart and month or period): those every version of
    a pending item names, so that an edit that changes or drops a counterpart, or moves a
    call to another month, recomputes the old one's rows as well as the new one's. Every
    source's and every government's rows of such a counterpart are recomputed, not only
    the pending item's source's: the rows carry the counterpart's name, chosen across
    every source's calls (int_call_counterpart_keys), which a call in one source can
    change for all. -#}
{% macro touched_counterparts() -%}
    select distinct coalesce(p.country_code, p.organisation) as counterpart_key
    from {{ ref('stg_item_counterparts') }} as p
    where exists (
        select 1 from {{ source('raw', 'pending_items') }} as pending
        where pending.source = p.source and pending.item_id = p.item_id
    )
{%- endmacro %}

{#- A predicate: true in a full build; in an incremental one, only for the touched
    counterparts' rows. -#}
{% macro is_touched_counterpart(counterpart_key) -%}
    {%- if is_incremental() -%}
        exists (
            select 1 from ({{ touched_counterparts() }}) as touched
            where touched.counterpart_key = {{ counterpart_key }}
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
        where {{ is_touched_counterpart('t.counterpart_key') }}
    {%- endif -%}
{%- endmacro %}
