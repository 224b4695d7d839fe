{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{{ forget_pending_items() }}"
) }}
-- Incremental by item (sql/macros/incremental.sql): an incremental build recomputes only the
-- items the loader listed in raw.pending_items.
with sentences as (
    select
        c.source,
        c.item_id,
        c.version,
        s.sentence_no,
        s.char_start,
        s.char_end,
        s.sentence_text,
        coalesce(s.match_text, s.sentence_text) as match_text,
        s.match_token_starts,
        s.match_token_ends,
        regexp_matches(
            s.sentence_text,
            '(?:^|\s)[A-Z][^\s:;,!?]*(?:\s+(?:[A-Z][^\s:;,!?]*|of|the|and|bin|al|de|von|van)){0,10}'
            || '\s*(?:\((?:re)?translated\))?:\s+[A-Z"“‘(<]'
        ) as has_speaker_label
    from {{ ref('int_call_items') }} as c
    inner join {{ ref('stg_sentences') }} as s
        on s.source = c.source and s.item_id = c.item_id and s.entry_sha = c.entry_sha
    where {{ is_pending('c') }}
),

exchanges as (
    select source, item_id, min(sentence_no) as first_label_no
    from sentences
    where has_speaker_label
    group by all
    having count(*) >= 2
)

select
    s.source,
    s.item_id,
    s.version,
    s.sentence_no,
    s.char_start,
    s.char_end,
    s.sentence_text,
    s.match_text,
    s.match_token_starts,
    s.match_token_ends,
    coalesce(s.sentence_no >= e.first_label_no, false) as in_verbatim_exchange
from sentences as s
left join exchanges as e on e.source = s.source and e.item_id = s.item_id
