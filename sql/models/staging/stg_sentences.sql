select
    source,
    item_id,
    entry_sha,
    sentence_no,
    paragraph_no,
    char_start,
    char_end,
    sentence_text
from {{ source('raw', 'sentences') }}
