{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{{ forget_pending_items() }}"
) }}
-- Incremental by item (sql/macros/incremental.sql): an incremental build recomputes only the
-- items the loader listed in raw.pending_items.
select
    item_id,
    source,
    version,
    label_kind,
    label,
    matched_by,
    sentence_no,
    sentence_text,
    matched_text,
    char_start,
    char_end
from {{ ref('int_descriptor_matches') }} as m
where {{ is_pending('m') }}
union all
select
    item_id, source, version, label_kind, label, matched_by, sentence_no, sentence_text,
    matched_text, char_start, char_end
from {{ ref('int_signal_matches') }} as m
where {{ is_pending('m') }}
union all
select
    item_id, source, version, label_kind, label, matched_by, sentence_no, sentence_text,
    matched_text, char_start, char_end
from {{ ref('int_topic_matches') }} as m
where {{ is_pending('m') }}
order by source, item_id, sentence_no, char_start, label_kind, label
