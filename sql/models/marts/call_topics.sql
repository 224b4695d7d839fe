{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{{ forget_pending_items() }}"
) }}
-- Incremental by item (sql/macros/incremental.sql): an incremental build recomputes only the
-- items the loader listed in raw.pending_items.
with ranked as (
    select
        *,
        count(*) over (partition by source, item_id, label) as evidence_count,
        row_number() over (partition by source, item_id, label order by char_start) as rank
    from {{ ref('int_topic_matches') }} as m
    where {{ is_pending('m') }}
)

select
    r.item_id,
    r.source,
    r.label as topic,
    t.topic_label,
    r.evidence_count,
    r.sentence_no as first_sentence_no,
    r.sentence_text as first_evidence_sentence,
    r.matched_text as first_matched_text,
    r.char_start as first_char_start,
    r.char_end as first_char_end
from ranked as r
inner join {{ ref('stg_topics') }} as t on t.topic = r.label
where r.rank = 1
order by r.source, r.item_id, r.label
