select
    source,
    item_id,
    entry_sha,
    review_reason,
    detail
from {{ source('raw', 'review_flags') }}
