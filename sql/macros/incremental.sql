{#- Incremental models over items. The loader lists in raw.pending_items every item a load
    added, edited, re-normalised or saw again (flows/load/loader.py); the writer empties the
    list once a build has passed. An incremental build recomputes only those items: each
    per-item model first deletes their rows (so an edited item with fewer sentences, or an
    item that is no longer a call, leaves nothing stale), then inserts what its query gives
    for them. The models keyed by counterpart recompute what those items touch (below). A
    full refresh (`--full-refresh`: a change of models or rules, `readouts rebuild`,
    `readouts build`) rebuilds every row. -#}

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
    (the marts that aggregate calls by counterpart and month or period): those every
    version of a pending item names, so that an edit that changes or drops a counterpart,
    or moves a call to another month, recomputes the old one's rows as well as the new
    one's. Every source's and every government's rows of such a counterpart are
    recomputed, not only the pending item's source's: the rows carry the counterpart's
    name, chosen across every source's calls (int_call_counterpart_keys), which a call in
    one source can change for all. -#}
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

{#- The touched counterparts with the earliest date any version of a pending item naming
    them carries (the old versions too: an edit that moves a call later changes the
    baselines of the calls after its old date). A model whose rows depend only on a
    counterpart's earlier calls (marts.tone_shifts) recomputes the rows on or after that
    date and keeps the rest. The dates are read from raw.item_versions itself: the staging
    view numbers the versions of the whole warehouse to find each item's newest. A version
    loaded and later quarantined is gone from raw.item_versions with its date; such a load
    forces a full build (flows/tasks.py), so no incremental build needs it. -#}
{% macro touched_counterpart_dates() -%}
    select coalesce(p.country_code, p.organisation) as counterpart_key,
        min(v.published_date_local) as touched_from
    from {{ ref('stg_item_counterparts') }} as p
    inner join {{ source('raw', 'item_versions') }} as v
        on v.source = p.source and v.item_id = p.item_id and v.entry_sha = p.entry_sha
    where exists (
        select 1 from {{ source('raw', 'pending_items') }} as pending
        where pending.source = p.source and pending.item_id = p.item_id
    )
    group by all
{%- endmacro %}

{#- A predicate on a call of `counterpart_key` on `call_date`: true in a full build; in an
    incremental one, only for a touched counterpart's calls on or after `days_before` days
    before the date it was touched from. -#}
{% macro is_touched_since(counterpart_key, call_date, days_before='0') -%}
    {%- if is_incremental() -%}
        exists (
            select 1 from ({{ touched_counterpart_dates() }}) as touched
            where touched.counterpart_key = {{ counterpart_key }}
                and {{ call_date }} >= touched.touched_from - ({{ days_before }})
        )
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{#- The pre-hook of a model keyed by counterpart and date: in an incremental build, the
    touched counterparts' rows on or after the date they were touched from go. -#}
{% macro forget_touched_since() -%}
    {%- if is_incremental() -%}
        delete from {{ this }} as t
        where {{ is_touched_since('t.counterpart_key', 't.call_date') }}
    {%- endif -%}
{%- endmacro %}

{#- The post-hook of a model that keeps a touched counterpart's earlier rows: every row
    whose name is not the counterpart's name as it is now (chosen across every source's
    calls, which a pending item can change) takes that name; only a touched counterpart's
    kept rows can differ. -#}
{% macro rename_kept_counterparts(names) -%}
    {%- if is_incremental() -%}
        update {{ this }} as t set counterpart_name = n.counterpart_name
        from (select distinct counterpart_key, counterpart_name from {{ names }}) as n
        where n.counterpart_key = t.counterpart_key
            and t.counterpart_name is distinct from n.counterpart_name
    {%- endif -%}
{%- endmacro %}
