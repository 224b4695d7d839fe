select
    item_id,
    source,
    url,
    title,
    published_at,
    published_date_local as call_date,
    kind as call_kind,
    call_scope,
    initiated_by,
    initiative_evidence,
    counterpart_count,
    word_count,
    version
from {{ ref('int_call_items') }}
order by published_at, item_id
