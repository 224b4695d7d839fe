{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{{ forget_pending_items() }}"
) }}
-- Incremental by item (sql/macros/incremental.sql): an incremental build recomputes only the
-- items the loader listed in raw.pending_items.
-- depends_on: {{ ref('tone_signals') }}
with spans as (
    select
        s.source,
        s.item_id,
        s.sentence_no,
        unnest(g.prefixes) as prefix,
        unnest(g.matched) as greeting_text,
        generate_subscripts(g.matched, 1) as n
    from {{ ref('int_call_sentences') }} as s,
        lateral (select {{ greeting_spans('s.match_text', 's.source') }} as g)
    where len(g.matched) > 0
        and {{ is_pending('s') }}
),

positioned as (
    select
        *,
        {{ match_offset('prefix', 'greeting_text', 'source, item_id, sentence_no', 'n') }}
            as span_start
    from spans
)

select
    source,
    item_id,
    sentence_no,
    greeting_text,
    span_start,
    span_start + length(greeting_text) as span_end
from positioned
where greeting_text != ''
