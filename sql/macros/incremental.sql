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
