{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{{ forget_pending_items() }}"
) }}
-- Incremental by item (sql/macros/incremental.sql): an incremental build recomputes only the
-- items the loader listed in raw.pending_items.
-- depends_on: {{ ref('topics') }}
with hits as (
    select
        s.*,
        unnest({{ topic_hits('s.match_text', 's.source') }}) as hit
    from {{ ref('int_call_sentences') }} as s
    where {{ is_pending('s') }}
),

located as (
    select
        h.source,
        h.item_id,
        h.version,
        h.sentence_no,
        h.char_start as sentence_start,
        h.sentence_text,
        h.match_text,
        h.match_token_starts,
        h.match_token_ends,
        h.hit.topic,
        unnest(h.hit.hits.prefixes) as prefix,
        unnest(h.hit.hits.matched) as matched_text,
        generate_subscripts(h.hit.hits.matched, 1) as n
    from hits as h
    where len(h.hit.hits.matched) > 0
),

positioned as (
    select
        l.*,
        t.counts_in_greetings,
        {{ match_offset('l.prefix', 'l.matched_text', 'l.source, l.item_id, l.sentence_no, l.topic', 'l.n') }}
            as offset_in_sentence
    from located as l
    inner join {{ ref('stg_topics') }} as t on t.topic = l.topic
)

select
    p.source,
    p.item_id,
    p.version,
    'topic' as label_kind,
    p.topic as label,
    p.topic as matched_by,
    p.sentence_no,
    p.sentence_text,
    {{ evidence_text('p.offset_in_sentence', 'p.matched_text') }} as matched_text,
    p.sentence_start + {{ evidence_start('p.offset_in_sentence', 'p.matched_text') }} as char_start,
    p.sentence_start + {{ evidence_end('p.offset_in_sentence', 'p.matched_text') }} as char_end
from positioned as p
where p.counts_in_greetings
    or not exists (
        select 1
        from {{ ref('int_greeting_spans') }} as g
        where g.source = p.source
            and g.item_id = p.item_id
            and g.sentence_no = p.sentence_no
            and p.offset_in_sentence >= g.span_start
            and p.offset_in_sentence < g.span_end
    )
