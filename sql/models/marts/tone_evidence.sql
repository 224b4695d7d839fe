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
from {{ ref('int_descriptor_matches') }}
union all
select
    item_id, source, version, label_kind, label, matched_by, sentence_no, sentence_text,
    matched_text, char_start, char_end
from {{ ref('int_signal_matches') }}
union all
select
    item_id, source, version, label_kind, label, matched_by, sentence_no, sentence_text,
    matched_text, char_start, char_end
from {{ ref('int_topic_matches') }}
order by source, item_id, sentence_no, char_start, label_kind, label
