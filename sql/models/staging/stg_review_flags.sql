-- Entries that loaded but that a validation check flagged for an analyst, with the reason.
select
    source,
    item_id,
    entry_sha,
    review_reason,
    detail
from {{ source('raw', 'review_flags') }}
